"""What the task and time-log exports read, narrowed to what the viewer may see.

Both are streams of plain rows, in the import's columns (an export imports
back as it is): tasks in chunks, with each chunk's assignees, labels and
blockers in one query each; time logs as one values() query. Cost columns
are filled only for the projects whose cost the viewer may see.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import date

from django.db.models import F

from modules.projects.models import Dependency, Project, TaskAssignee, TaskLabel, TimeLog
from modules.projects.selectors.visibility import (
    managed_projects,
    may_see_cost,
    sees_every_project,
    visible_projects,
    visible_tasks,
)

CHUNK = 2000
TASK_HEADERS = [
    "project",
    "number",
    "ref",
    "title",
    "description",
    "status",
    "assignees",
    "priority",
    "start_date",
    "due_date",
    "estimate_hours",
    "labels",
    "parent",
    "blocked_by",
    "hours_logged",
]
TIMELOG_HEADERS = ["project", "task", "person", "date", "hours", "billable", "note"]
COST_HEADERS = ["cost_rate", "cost", "bill_rate", "bill_amount"]


def exportable_projects(viewer):
    return visible_projects(viewer).filter(is_template=False).order_by("code")


def task_rows(viewer, *, project: Project | None = None) -> Iterator[list]:
    tasks = visible_tasks(viewer)
    if project is not None:
        tasks = tasks.filter(project=project)
    rows = (
        tasks.order_by("project__code", "number")
        .values_list(
            "pk",
            "project__code",
            "number",
            "title",
            "description",
            "column__name",
            "priority",
            "start_date",
            "due_date",
            "estimate_hours",
            "parent__number",
            "hours_logged",
        )
        .iterator(chunk_size=CHUNK)
    )
    chunk: list[tuple] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == CHUNK:
            yield from _task_chunk(chunk)
            chunk = []
    if chunk:
        yield from _task_chunk(chunk)


def _task_chunk(chunk: list[tuple]) -> Iterator[list]:
    ids = [row[0] for row in chunk]
    assignees, labels, blockers = defaultdict(list), defaultdict(list), defaultdict(list)
    for task_id, number in (
        TaskAssignee.objects.filter(task_id__in=ids)
        .order_by("pk")
        .values_list("task_id", "employee__employee_number")
    ):
        assignees[task_id].append(number)
    for task_id, name in (
        TaskLabel.objects.filter(task_id__in=ids)
        .order_by("label__name")
        .values_list("task_id", "label__name")
    ):
        labels[task_id].append(name)
    for task_id, number in (
        Dependency.objects.filter(task_id__in=ids)
        .order_by("blocker__number")
        .values_list("task_id", "blocker__number")
    ):
        blockers[task_id].append(str(number))
    for (
        pk,
        code,
        number,
        title,
        description,
        status,
        priority,
        start,
        due,
        estimate,
        parent,
        hours,
    ) in chunk:
        yield [
            code,
            number,
            "",
            title,
            description,
            status,
            "; ".join(assignees[pk]),
            priority,
            start,
            due,
            estimate,
            "; ".join(labels[pk]),
            parent,
            "; ".join(blockers[pk]),
            hours,
        ]


def cost_project_ids(viewer) -> set[int] | None:
    """None: every project's cost; else the ids whose cost the viewer may see (theirs)."""
    if may_see_cost(viewer):
        return None
    return set(managed_projects(viewer).values_list("pk", flat=True))


def timelog_headers(viewer) -> list[str]:
    costs = cost_project_ids(viewer)
    return TIMELOG_HEADERS + (COST_HEADERS if costs is None or costs else [])


def timelog_rows(
    viewer, *, project: Project | None = None, start: date | None = None, end: date | None = None
) -> Iterator[list]:
    logs = TimeLog.objects.all()
    if not sees_every_project(viewer):
        # The ids, not a subquery: under the export's server-side cursor PostgreSQL
        # plans "IN (SELECT ...)" for a fast first row, eight times slower in total.
        logs = logs.filter(
            project_id__in=list(visible_projects(viewer).values_list("pk", flat=True))
        )
    if project is not None:
        logs = logs.filter(project=project)
    if start:
        logs = logs.filter(date__gte=start)
    if end:
        logs = logs.filter(date__lte=end)
    costs = cost_project_ids(viewer)
    with_cost = costs is None or bool(costs)
    rows = (
        logs.order_by("project_id", "date", "pk")
        .values_list(
            "project_id",
            "project__code",
            "task__number",
            F("employee__employee_number"),
            "date",
            "hours",
            "billable",
            "note",
            "cost_rate",
            "cost_amount",
            "bill_rate",
            "bill_amount",
        )
        .iterator(chunk_size=5000)
    )
    for project_id, code, number, person, day, hours, billable, note, *money in rows:
        row = [code, number, person, day, hours, "yes" if billable else "no", note]
        if with_cost:
            row += money if costs is None or project_id in costs else ["", "", "", ""]
        yield row
