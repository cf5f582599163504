"""The forms of the leave data pages: export and bulk adjustment (the import's upload
form is the kernel's, opsplatform/importing/page.py; here are its file kinds)."""

from __future__ import annotations

import secrets
from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from unfold.widgets import (
    UnfoldAdminDecimalFieldWidget,
    UnfoldAdminRadioSelectWidget,
    UnfoldAdminSelectWidget,
    UnfoldAdminSingleDateWidget,
    UnfoldAdminTextInputWidget,
)

from modules.employees.models import Department, Employee, WorkLocation
from modules.leave.models import LeaveType

FILE_KINDS = [
    ("balances", _("Opening balances and allocations")),
    ("holidays", _("Holidays")),
]


class ExportForm(forms.Form):
    WHAT = [
        ("balances", _("Balances (one row per person and leave type)")),
        ("ledger", _("Ledger entries in a date range")),
        ("requests", _("Leave requests in a date range")),
    ]
    what = forms.ChoiceField(
        label=_("Export"), choices=WHAT, initial="balances", widget=UnfoldAdminRadioSelectWidget
    )
    file_format = forms.ChoiceField(
        label=_("Format"),
        choices=[("xlsx", "Excel (XLSX)"), ("csv", "CSV")],
        initial="xlsx",
        widget=UnfoldAdminSelectWidget,
    )
    start = forms.DateField(label=_("From"), required=False, widget=UnfoldAdminSingleDateWidget)
    end = forms.DateField(label=_("Until"), required=False, widget=UnfoldAdminSingleDateWidget)

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        data["start"] = data.get("start") or date(today.year, 1, 1)
        data["end"] = data.get("end") or date(today.year, 12, 31)
        if data["end"] < data["start"]:
            self.add_error("end", _("The end date cannot be before the start date."))
        return data


class AdjustForm(forms.Form):
    GROUPS = [
        ("department", _("A department")),
        ("location", _("A location")),
        ("employment_type", _("An employment type")),
        ("everyone", _("Everyone")),
    ]
    group = forms.ChoiceField(
        label=_("Who"), choices=GROUPS, initial="department", widget=UnfoldAdminRadioSelectWidget
    )
    department = forms.ModelChoiceField(
        label=_("Department"),
        queryset=Department.all_tenants.none(),
        required=False,
        widget=UnfoldAdminSelectWidget,
    )
    location = forms.ModelChoiceField(
        label=_("Location"),
        queryset=WorkLocation.all_tenants.none(),
        required=False,
        widget=UnfoldAdminSelectWidget,
    )
    employment_type = forms.ChoiceField(
        label=_("Employment type"),
        choices=[("", "---------"), *Employee.EmploymentType.choices],
        required=False,
        widget=UnfoldAdminSelectWidget,
    )
    leave_type = forms.ModelChoiceField(
        label=_("Leave type"), queryset=LeaveType.all_tenants.none(), widget=UnfoldAdminSelectWidget
    )
    amount = forms.DecimalField(
        label=_("Amount"),
        max_digits=9,
        decimal_places=2,
        help_text=_("In the type's unit; negative takes days away."),
        widget=UnfoldAdminDecimalFieldWidget,
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=255,
        help_text=_("Required. Every person sees it on their balance."),
        widget=UnfoldAdminTextInputWidget,
    )
    effective_on = forms.DateField(
        label=_("Effective"),
        required=False,
        help_text=_("Empty: today."),
        widget=UnfoldAdminSingleDateWidget,
    )
    # One adjustment per form: spent when it is applied (a double click adjusts once).
    token = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Querysets per request: the current company's rows only.
        self.fields["department"].queryset = Department.objects.order_by("name")
        self.fields["location"].queryset = WorkLocation.objects.order_by("name")
        self.fields["leave_type"].queryset = LeaveType.objects.filter(
            active=True, tracks_balance=True
        )
        if not self.is_bound:
            self.initial.setdefault("token", secrets.token_urlsafe(24))

    def clean(self):
        data = super().clean()
        group = data.get("group")
        if group in ("department", "location", "employment_type") and not data.get(group):
            self.add_error(group, _("Choose one."))
        if data.get("amount") == 0:
            self.add_error("amount", _("The amount cannot be zero."))
        return data

    def group_kwargs(self) -> dict:
        data = self.cleaned_data
        group = data["group"]
        if group == "department":
            return {"department_id": data["department"].pk}
        if group == "location":
            return {"location_id": data["location"].pk}
        if group == "employment_type":
            return {"employment_type": data["employment_type"]}
        return {"everyone": True}
