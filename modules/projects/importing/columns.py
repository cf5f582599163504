"""The columns of the two project files (tasks, time logs), shared by the import,
its templates, the page and the export (an export re-imports as it is)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

# (column header, required, what it holds)
TASK_COLUMNS = [
    ("project", True, _("Required. The project's code, e.g. WEB; a project you manage.")),
    (
        "number",
        False,
        _("Empty: a new task (numbered by the project). A task's number: that task is updated."),
    ),
    (
        "ref",
        False,
        _(
            "A name for the row in this file (e.g. the other tracker's id), for parent and blocked_by."
        ),
    ),
    ("title", True, _("Required. At most 200 characters.")),
    ("description", False, _("Free text.")),
    ("status", False, _("The name of one of the project's columns, e.g. Todo. Empty: the first.")),
    (
        "assignees",
        False,
        _("Work emails or employee numbers, separated by ; or , — members of the project."),
    ),
    ("priority", False, _("low, normal (the default), high or urgent.")),
    ("start_date", False, _("YYYY-MM-DD, DD/MM/YYYY or an Excel date.")),
    ("due_date", False, _("YYYY-MM-DD, DD/MM/YYYY or an Excel date; not before the start.")),
    ("estimate_hours", False, _("Hours, e.g. 6.5.")),
    ("labels", False, _("Label names separated by ; or , — a new name creates the label.")),
    ("parent", False, _("The parent task: its number, or the ref of a row in this file.")),
    (
        "blocked_by",
        False,
        _("Tasks this one waits for: numbers or refs, separated by ; or , (no loops)."),
    ),
    ("hours_logged", False, _("Written by the export; ignored by the import.")),
]

TIMELOG_COLUMNS = [
    ("project", True, _("Required. The project's code, e.g. WEB; a project you manage.")),
    ("task", True, _("Required. The task's number in that project, e.g. 12 (or WEB-12).")),
    (
        "person",
        True,
        _("Required. Work email or employee number of a member or the manager of the project."),
    ),
    ("date", True, _("Required. YYYY-MM-DD, DD/MM/YYYY or an Excel date.")),
    ("hours", True, _("Required. More than 0 and at most 24, e.g. 1.5.")),
    ("billable", False, _("yes (the default) or no.")),
    ("note", False, _("At most 255 characters.")),
    # Written by the export for the people who see cost; the import prices every log itself.
    ("cost_rate", False, _("Written by the export; ignored by the import (priced on import).")),
    ("cost", False, _("Written by the export; ignored by the import (priced on import).")),
    ("bill_rate", False, _("Written by the export; ignored by the import (priced on import).")),
    ("bill_amount", False, _("Written by the export; ignored by the import (priced on import).")),
]

# Headers people actually write, mapped to ours (compared lower-cased, spaces as _).
ALIASES = {
    "project_code": "project",
    "code": "project",
    "task_number": "task",
    "no": "number",
    "id": "ref",
    "key": "ref",
    "name": "title",
    "summary": "title",
    "column": "status",
    "stage": "status",
    "assignee": "assignees",
    "assigned_to": "assignees",
    "start": "start_date",
    "due": "due_date",
    "deadline": "due_date",
    "estimate": "estimate_hours",
    "estimated_hours": "estimate_hours",
    "label": "labels",
    "tags": "labels",
    "parent_number": "parent",
    "parent_task": "parent",
    "blockers": "blocked_by",
    "depends_on": "blocked_by",
    "employee": "person",
    "employee_number": "person",
    "email": "person",
    "work_email": "person",
    "day": "date",
    "description_of_work": "note",
}
