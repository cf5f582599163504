"""The request-leave form: what a person types; the rules are the services'."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from modules.leave.models import LeaveRequest, LeaveType

Part = LeaveRequest.Part


class DateInput(forms.DateInput):
    input_type = "date"


class RequestLeaveForm(forms.Form):
    employee = forms.ModelChoiceField(
        label=_("Employee"),
        queryset=None,
        required=False,
        help_text=_("Empty: yourself."),
    )
    leave_type = forms.ModelChoiceField(label=_("Leave type"), queryset=None)
    start_date = forms.DateField(label=_("From"), widget=DateInput)
    end_date = forms.DateField(label=_("Until"), widget=DateInput)
    start_part = forms.ChoiceField(label=_("First day"), choices=Part.choices, initial=Part.FULL)
    end_part = forms.ChoiceField(label=_("Last day"), choices=Part.choices, initial=Part.FULL)
    hours = forms.DecimalField(
        label=_("Hours"),
        required=False,
        min_value=0.25,
        max_digits=5,
        decimal_places=2,
        help_text=_("For a type taken in hours, on one day. Empty: the whole day."),
    )
    reason = forms.CharField(
        label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    document = forms.FileField(label=_("Supporting document"), required=False)
    # Set when the person confirmed a blackout period's warning.
    confirm_blackout = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, employees=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leave_type"].queryset = LeaveType.objects.filter(active=True).order_by(
            "order", "name"
        )
        if employees is None:
            del self.fields["employee"]
        else:
            self.fields["employee"].queryset = employees

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The last day cannot be before the first day."))
        return data
