"""The analytics page's date range: a preset or two dates (start and end inclusive)."""

from __future__ import annotations

from datetime import date, timedelta

from django import forms
from django.utils.translation import gettext_lazy as _

# A range longer than this is refused: ten years of monthly points is plenty.
LONGEST = timedelta(days=3660)


class Preset:
    THIS_MONTH = "month"
    LAST_30 = "30d"
    THIS_QUARTER = "quarter"
    THIS_YEAR = "year"
    LIFE = "life"
    CUSTOM = "custom"

    CHOICES = [
        (THIS_MONTH, _("This month")),
        (LAST_30, _("Last 30 days")),
        (THIS_QUARTER, _("This quarter")),
        (THIS_YEAR, _("This year")),
        (LIFE, _("The project's life")),
        (CUSTOM, _("Custom dates")),
    ]


def life_of(project, today: date) -> tuple[date, date]:
    """From the project's start (else its creation) to its due date or today, the later."""
    start = project.start_date or project.created_at.date()
    end = max(d for d in (project.due_date, today, start) if d is not None)
    return start, end


def preset_range(preset: str, today: date, project) -> tuple[date, date]:
    if preset == Preset.THIS_MONTH:
        start = today.replace(day=1)
        following = date(start.year + (start.month == 12), start.month % 12 + 1, 1)
        return start, following - timedelta(days=1)
    if preset == Preset.LAST_30:
        return today - timedelta(days=29), today
    if preset == Preset.THIS_QUARTER:
        first_month = 3 * ((today.month - 1) // 3) + 1
        start = date(today.year, first_month, 1)
        after = date(today.year + (first_month == 10), (first_month + 2) % 12 + 1, 1)
        return start, after - timedelta(days=1)
    if preset == Preset.THIS_YEAR:
        return date(today.year, 1, 1), date(today.year, 12, 31)
    return life_of(project, today)


class RangeForm(forms.Form):
    range = forms.ChoiceField(
        label=_("Period"), choices=Preset.CHOICES, required=False, initial=Preset.LIFE
    )
    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, today: date, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.today, self.project = today, project

    def clean(self):
        data = super().clean()
        preset = data.get("range") or Preset.LIFE
        if preset != Preset.CUSTOM:
            data["start"], data["end"] = preset_range(preset, self.today, self.project)
            data["range"] = preset
            return data
        start, end = data.get("start"), data.get("end")
        if start is None or end is None:
            if not self.errors:
                raise forms.ValidationError(_("Give both dates of a custom period."))
            return data
        if end < start:
            raise forms.ValidationError(_("The end date cannot be before the start date."))
        if end - start > LONGEST:
            raise forms.ValidationError(_("Choose a period of at most ten years."))
        return data

    def chosen(self) -> tuple[str, date, date]:
        """The valid range, or the project's life when the form is not valid."""
        if self.is_valid():
            data = self.cleaned_data
            return data["range"], data["start"], data["end"]
        start, end = life_of(self.project, self.today)
        return Preset.LIFE, start, end
