"""Projects: projects and their members, per-project status columns, tasks with
their assignees, labels, checklists, comments, attachments and dependencies,
and the time people log against tasks, submitted weekly as timesheets.

Every table is tenant-owned. Hours are decimals (1.5 is an hour and a half);
money is in the company's currency. docs/projects.md explains the rules.
"""

from modules.projects.models.projects import Column, Label, Project, ProjectMember
from modules.projects.models.tasks import (
    Attachment,
    ChecklistItem,
    Comment,
    Dependency,
    Priority,
    Task,
    TaskAssignee,
    TaskLabel,
)
from modules.projects.models.time import RunningTimer, TimeLog, Timesheet

__all__ = [
    "Attachment",
    "ChecklistItem",
    "Column",
    "Comment",
    "Dependency",
    "Label",
    "Priority",
    "Project",
    "ProjectMember",
    "RunningTimer",
    "Task",
    "TaskAssignee",
    "TaskLabel",
    "TimeLog",
    "Timesheet",
]

# The timesheet's kind of request registers with the engine as its subject model loads.
from modules.projects import kind  # noqa: F401
