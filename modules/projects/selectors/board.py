"""What a project's board shows, in a constant number of queries whatever the cards.

Columns (1), cards with their checklist counts and "blocked" flag (1), their
assignees (1) and labels (1), and the filter choices (2): six queries for ten
cards or a thousand.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Exists, OuterRef, Prefetch, Q

from modules.employees.models import Employee
from modules.projects.models import Column, Dependency, Label, Project, Task, TaskLabel


@dataclass(frozen=True)
class BoardFilters:
    assignee: int | None = None
    label: int | None = None
    mine: bool = False

    @classmethod
    def from_query(cls, params) -> BoardFilters:
        return cls(
            assignee=_int(params.get("assignee")),
            label=_int(params.get("label")),
            mine=params.get("mine") in ("1", "on", "true"),
        )

    @property
    def active(self) -> bool:
        return bool(self.assignee or self.label or self.mine)


def _int(value) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None


@dataclass
class BoardColumn:
    column: Column
    cards: list[Task] = field(default_factory=list)
    # Every task in the column, filtered or not: the WIP limit counts them all.
    total: int = 0

    @property
    def over_limit(self) -> bool:
        return self.column.wip_limit is not None and self.total > self.column.wip_limit


@dataclass
class Board:
    project: Project
    columns: list[BoardColumn]
    members: list[Employee]
    labels: list[Label]
    filters: BoardFilters
    today: date

    @property
    def card_count(self) -> int:
        return sum(len(column.cards) for column in self.columns)


def board_tasks(project: Project, filters: BoardFilters, *, me: Employee | None):
    tasks = Task.objects.filter(project=project, column__retired_at__isnull=True)
    if filters.mine:
        tasks = tasks.filter(assignments__employee=me) if me else tasks.none()
    if filters.assignee:
        tasks = tasks.filter(assignments__employee_id=filters.assignee)
    if filters.label:
        tasks = tasks.filter(label_links__label_id=filters.label)
    open_blocker = Dependency.objects.filter(task_id=OuterRef("pk"), blocker__column__is_done=False)
    return (
        tasks.only(
            "pk",
            "tenant_id",
            "project_id",
            "number",
            "column_id",
            "position",
            "title",
            "priority",
            "due_date",
            "estimate_hours",
            "hours_logged",
            "completed_at",
        )
        .annotate(
            checklist_total=Count("checklist", distinct=True),
            checklist_done=Count("checklist", filter=Q(checklist__done=True), distinct=True),
            blocked=Exists(open_blocker),
        )
        .prefetch_related(
            Prefetch(
                "assignees",
                queryset=Employee.objects.only("pk", "first_name", "last_name").order_by(
                    "first_name", "last_name"
                ),
            ),
            Prefetch(
                "label_links",
                queryset=TaskLabel.objects.select_related("label").order_by("label__name"),
            ),
        )
        .order_by("column__order", "position", "pk")
    )


def project_board(project: Project, filters: BoardFilters, *, me: Employee | None, today) -> Board:
    columns = list(
        Column.objects.filter(project=project, retired_at__isnull=True)
        .annotate(total=Count("tasks"))
        .order_by("order", "pk")
    )
    by_id = {column.pk: BoardColumn(column=column, total=column.total) for column in columns}
    for task in board_tasks(project, filters, me=me):
        task.project = project  # the reference (WEB-12) without a join per card
        by_id[task.column_id].cards.append(task)
    members = list(
        Employee.objects.filter(Q(project_memberships__project=project) | Q(pk=project.manager_id))
        .distinct()
        .only("pk", "first_name", "last_name")
        .order_by("first_name", "last_name")
    )
    labels = list(Label.objects.filter(task_links__task__project=project).distinct())
    return Board(
        project=project,
        columns=[by_id[column.pk] for column in columns],
        members=members,
        labels=labels,
        filters=filters,
        today=today,
    )
