"""Step one's form: the company, its address and its owner."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from unfold.widgets import UnfoldAdminEmailInputWidget, UnfoldAdminTextInputWidget

from opsplatform.validation import strip_bidi
from tenants.signup.subdomains import MAX_LENGTH, check_subdomain


class SignupForm(forms.Form):
    company = forms.CharField(
        label=_("Company name"),
        max_length=150,
        widget=UnfoldAdminTextInputWidget(
            attrs={"autocomplete": "organization", "autofocus": True}
        ),
    )
    subdomain = forms.CharField(
        label=_("Workspace address"),
        max_length=MAX_LENGTH + 10,  # room for a typing slip the check names, not a cut
        widget=UnfoldAdminTextInputWidget(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "none",
                "spellcheck": "false",
                "dir": "ltr",
            }
        ),
    )
    owner_name = forms.CharField(
        label=_("Your name"),
        max_length=150,
        widget=UnfoldAdminTextInputWidget(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("Your work email"),
        widget=UnfoldAdminEmailInputWidget(attrs={"autocomplete": "email", "dir": "ltr"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subdomain"].help_text = _(
            "Lowercase letters, digits and hyphens. Your team opens the workspace at "
            "this name followed by .%(domain)s"
        ) % {"domain": settings.BASE_DOMAIN}

    # Names show in the landlord's lists and every email: no direction controls
    # that reorder what a reader sees (opsplatform.validation), single spaces.
    def clean_company(self):
        return " ".join(strip_bidi(self.cleaned_data["company"]).split())

    def clean_owner_name(self):
        return " ".join(strip_bidi(self.cleaned_data["owner_name"]).split())

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()

    def clean_subdomain(self):
        verdict = check_subdomain(self.cleaned_data["subdomain"])
        if not verdict.available:
            raise forms.ValidationError(verdict.message, code=verdict.code)
        return verdict.subdomain
