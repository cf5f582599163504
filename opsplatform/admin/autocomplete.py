"""Choice searches that the form's own permission opens.

Django's autocomplete lets a person search a field's choices only when they may
view the chosen model's admin. Some choices are everyone's to pick: any member
names their own deputy among the company's members, while only owners, the CEO
and HR may open the members' list. A plain select for such a field would list
every member (100,000 options in a big company), so the field registers here
with the permission that opens its search. The search still runs through the
chosen model's admin (its tenant-scoped queryset and search fields, 20 a page),
the field's ``limit_choices_to`` and the filter given here; nothing else of the
chosen model is opened.
"""

from __future__ import annotations

from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.db.models import Model, Q

_OPEN: dict[tuple[str, str], tuple[str, Q]] = {}


def open_choice_search(model: type[Model], field_name: str, *, permission: str, only=None):
    """Let whoever holds ``permission`` search the choices of ``model.field_name``
    (narrowed to ``only``, a Q on the chosen model)."""
    model._meta.get_field(field_name)  # fail at import on a typo
    _OPEN[(model._meta.label_lower, field_name)] = (permission, only or Q())


class TenantAutocompleteView(AutocompleteJsonView):
    def _opened(self):
        field = self.source_field
        return _OPEN.get((field.model._meta.label_lower, field.name))

    def has_perm(self, request, obj=None):
        if super().has_perm(request, obj):
            return True
        opened = self._opened()
        return opened is not None and request.user.has_perm(opened[0])

    def get_queryset(self):
        queryset = super().get_queryset()
        opened = self._opened()
        return queryset.filter(opened[1]) if opened else queryset
