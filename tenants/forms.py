from django import forms
from django.utils.translation import gettext_lazy as _
from unfold.widgets import UnfoldAdminPasswordWidget, UnfoldAdminTextInputWidget

from tenants.roles import RoleCode


class AcceptInvitationForm(forms.Form):
    full_name = forms.CharField(
        label=_("Your name"), max_length=150, required=False, widget=UnfoldAdminTextInputWidget
    )
    password = forms.CharField(label=_("Password"), strip=False, widget=UnfoldAdminPasswordWidget)
    password_again = forms.CharField(
        label=_("Password again"), strip=False, required=False, widget=UnfoldAdminPasswordWidget
    )

    def __init__(self, *args, new_account: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.new_account = new_account
        if not new_account:
            del self.fields["password_again"]
            del self.fields["full_name"]
            self.fields["password"].label = _("Your password")

    def clean(self):
        data = super().clean()
        if self.new_account and data.get("password") != data.get("password_again"):
            self.add_error("password_again", _("The two passwords differ."))
        return data


class RolesField(forms.MultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        kwargs.setdefault("choices", RoleCode.choices)
        kwargs.setdefault("label", _("Roles"))
        super().__init__(**kwargs)
