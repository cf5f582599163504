"""What a project's board shows, in a constant number of queries whatever the cards.

Columns (1), cards with their checklist counts and "blocked" flag (1), their
assignees (1) and labels (1), and the filter choices (2): six queries for ten
cards or a thousand. Cards are plain values (``Card``), rendered in Python by
the ``board_cards`` tag (templatetags/projects_board.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q

from modules.employees.models import Employee
from modules.projects.models import (
    Column,
    Dependency,
    Label,
    Project,
    Task,
    TaskAssignee,
    TaskLabel,
)


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


@dataclass(slots=True)
class Card:
    """What a card shows, read as plain values (a thousand model instances with their
    prefetched assignees and labels cost more than the page's whole budget)."""

    pk: int
    reference: str
    column_id: int
    position: int
    title: str
    priority: str
    due_date: date | None
    estimate_hours: Decimal | None
    hours_logged: Decimal
    done: bool
    checklist_total: int
    checklist_done: int
    blocked: bool
    assignees: list[tuple[int, str, str]] = field(default_factory=list)  # pk, first, last
    labels: list[tuple[str, str]] = field(default_factory=list)  # name, colour


@dataclass
class BoardColumn:
    column: Column
    cards: list[Card] = field(default_factory=list)
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


CARD_FIELDS = (
    "pk",
    "number",
    "column_id",
    "position",
    "title",
    "priority",
    "due_date",
    "estimate_hours",
    "hours_logged",
    "completed_at",
    "checklist_total",
    "checklist_done",
    "blocked",
)


def board_tasks(project: Project, filters: BoardFilters, *, me: Employee | None):
    """The board's tasks (a queryset), narrowed by the filters, in board order."""
    tasks = Task.objects.filter(project=project, column__retired_at__isnull=True)
    if filters.mine:
        tasks = tasks.filter(assignments__employee=me) if me else tasks.none()
    if filters.assignee:
        tasks = tasks.filter(assignments__employee_id=filters.assignee)
    if filters.label:
        tasks = tasks.filter(label_links__label_id=filters.label)
    return tasks


def _cards(project: Project, tasks) -> list[Card]:
    open_blocker = Dependency.objects.filter(task_id=OuterRef("pk"), blocker__column__is_done=False)
    rows = (
        tasks.annotate(
            checklist_total=Count("checklist", distinct=True),
            checklist_done=Count("checklist", filter=Q(checklist__done=True), distinct=True),
            blocked=Exists(open_blocker),
        )
        .order_by("column__order", "position", "pk")
        .values_list(*CARD_FIELDS)
    )
    code = project.code
    cards = {}
    for (
        pk,
        number,
        column_id,
        position,
        title,
        priority,
        due,
        estimate,
        logged,
        completed,
        total,
        done,
        blocked,
    ) in rows:
        cards[pk] = Card(
            pk=pk,
            reference=f"{code}-{number}",
            column_id=column_id,
            position=position,
            title=title,
            priority=priority,
            due_date=due,
            estimate_hours=estimate,
            hours_logged=logged,
            done=completed is not None,
            checklist_total=total,
            checklist_done=done,
            blocked=blocked,
        )
    # The same filtered queryset as a subquery: no list of a thousand ids sent back.
    ids = tasks.values("pk")
    for task_id, employee_id, first, last in (
        TaskAssignee.objects.filter(task__in=ids)
        .order_by("employee__first_name", "employee__last_name")
        .values_list("task_id", "employee_id", "employee__first_name", "employee__last_name")
    ):
        if task_id in cards:
            cards[task_id].assignees.append((employee_id, first, last))
    for task_id, name, colour in (
        TaskLabel.objects.filter(task__in=ids)
        .order_by("label__name")
        .values_list("task_id", "label__name", "label__colour")
    ):
        if task_id in cards:
            cards[task_id].labels.append((name, colour))
    return list(cards.values())


def project_board(project: Project, filters: BoardFilters, *, me: Employee | None, today) -> Board:
    columns = list(
        Column.objects.filter(project=project, retired_at__isnull=True)
        .annotate(total=Count("tasks"))
        .order_by("order", "pk")
    )
    by_id = {column.pk: BoardColumn(column=column, total=column.total) for column in columns}
    for card in _cards(project, board_tasks(project, filters, me=me)):
        by_id[card.column_id].cards.append(card)
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
