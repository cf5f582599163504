"""Forms of the sign-in pages: a one-time code, and the company's two-factor rule."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from unfold.widgets import UnfoldAdminTextInputWidget, UnfoldBooleanSwitchWidget


class CodeForm(forms.Form):
    otp_token = forms.CharField(
        label=_("Code"),
        max_length=16,
        help_text=_("The 6-digit code from your authenticator app, or one of your recovery codes."),
        widget=UnfoldAdminTextInputWidget(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def clean_otp_token(self) -> str:
        return "".join(self.cleaned_data["otp_token"].split())


class EnrolForm(CodeForm):
    otp_token = forms.CharField(
        label=_("Code from your app"),
        max_length=6,
        min_length=6,
        widget=UnfoldAdminTextInputWidget(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}
        ),
    )


class CompanyTwoFactorForm(forms.Form):
    require_two_factor = forms.BooleanField(
        label=_("Require two-factor authentication for every member"),
        required=False,
        help_text=_(
            "Members without an authenticator are asked to set one up before they "
            "reach the workspace."
        ),
        widget=UnfoldBooleanSwitchWidget,
    )
