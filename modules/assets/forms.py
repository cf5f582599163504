"""The asset form: the category's custom fields appear as fields of their own
(``custom__<key>``) and are stored in ``custom_values``."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from unfold.widgets import (
    UnfoldAdminDecimalFieldWidget,
    UnfoldAdminSelectWidget,
    UnfoldAdminSingleDateWidget,
    UnfoldAdminTextInputWidget,
)

from modules.assets.models import AssetCategory, CategoryField
from modules.assets.services.register import clean_custom_values

PREFIX = "custom__"


def _form_field(field: CategoryField) -> forms.Field:
    common = {"label": field.label, "required": False}
    if field.kind == CategoryField.Kind.NUMBER:
        return forms.DecimalField(widget=UnfoldAdminDecimalFieldWidget, **common)
    if field.kind == CategoryField.Kind.DATE:
        return forms.DateField(widget=UnfoldAdminSingleDateWidget, **common)
    if field.kind == CategoryField.Kind.CHOICE:
        choices = [("", "---------"), *((option, option) for option in field.options())]
        return forms.ChoiceField(choices=choices, widget=UnfoldAdminSelectWidget, **common)
    return forms.CharField(max_length=200, widget=UnfoldAdminTextInputWidget, **common)


def category_in_hand(form) -> AssetCategory | None:
    """The category the form is about: the posted one, else the asset's own."""
    raw = form.data.get(form.add_prefix("category")) if form.is_bound else None
    raw = raw or form.initial.get("category")
    if raw and str(raw).isdigit():
        return AssetCategory.objects.filter(pk=int(raw)).first()
    if form.instance.category_id:
        return form.instance.category
    return None


# No Meta: the admin builds the form's class per request (modelform_factory) from
# its fieldsets; a ModelForm with foreign keys built at import would read tenant
# data with no tenant.
class AssetForm(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.category_fields = []
        category = category_in_hand(self)
        if category is None:
            return
        values = self.instance.custom_values or {}
        for field in CategoryField.objects.filter(category=category).order_by("order", "pk"):
            name = PREFIX + field.key
            self.fields[name] = _form_field(field)
            self.fields[name].initial = values.get(field.key)
            self.category_fields.append(name)

    def clean(self):
        cleaned = super().clean()
        raw = {
            name.removeprefix(PREFIX): cleaned.get(name)
            for name in self.category_fields
            if cleaned.get(name) not in (None, "")
        }
        raw = {key: str(value) for key, value in raw.items()}
        try:
            self.instance.custom_values = clean_custom_values(cleaned.get("category"), raw)
        except ValidationError as error:
            for key, messages in error.message_dict.items():
                self.add_error(PREFIX + key, messages)
        return cleaned
