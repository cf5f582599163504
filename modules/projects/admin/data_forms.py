"""The forms of the project data pages: the import's file kinds (its upload form is
the kernel's, opsplatform/importing/page.py) and the export."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from unfold.widgets import (
    UnfoldAdminRadioSelectWidget,
    UnfoldAdminSelectWidget,
    UnfoldAdminSingleDateWidget,
)

from modules.projects.models import Project
from modules.projects.selectors.exports import exportable_projects

FILE_KINDS = [
    ("tasks", _("Tasks")),
    ("timelogs", _("Time logs")),
]


class ExportForm(forms.Form):
    what = forms.ChoiceField(
        label=_("Export"), choices=FILE_KINDS, initial="tasks", widget=UnfoldAdminRadioSelectWidget
    )
    file_format = forms.ChoiceField(
        label=_("Format"),
        choices=[("xlsx", "Excel (XLSX)"), ("csv", "CSV")],
        initial="xlsx",
        widget=UnfoldAdminSelectWidget,
    )
    project = forms.ModelChoiceField(
        label=_("Project"),
        queryset=Project.all_tenants.none(),
        required=False,
        empty_label=_("Every project I can see"),
        widget=UnfoldAdminSelectWidget,
    )
    start = forms.DateField(
        label=_("Time logged from"), required=False, widget=UnfoldAdminSingleDateWidget
    )
    end = forms.DateField(label=_("Until"), required=False, widget=UnfoldAdminSingleDateWidget)

    def __init__(self, *args, viewer, **kwargs):
        super().__init__(*args, **kwargs)
        # Per request and per person: a project they cannot see is "not one of the choices".
        self.fields["project"].queryset = exportable_projects(viewer)

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("The end date cannot be before the start date."))
        return data
