"""Reads about tasks: the people of a project, a task's ancestry, and "My tasks"."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Prefetch, Q, QuerySet

from modules.employees.models import Employee
from modules.projects.models import Label, Project, Task, TaskAssignee


def project_people(project: Project) -> QuerySet[Employee]:
    """Who may be assigned or mentioned on the project's tasks: its manager and members."""
    return Employee.objects.filter(
        Q(pk=project.manager_id) | Q(project_memberships__project=project)
    ).distinct()


def project_people_with_logins(project: Project) -> list[Employee]:
    return list(project_people(project).select_related("membership__user"))


def ancestor_ids(task_id: int, parent_of: dict[int, int | None]) -> list[int]:
    """The chain of parents above ``task_id`` (nearest first) in one project's map."""
    chain, seen = [], {task_id}
    current = parent_of.get(task_id)
    while current is not None and current not in seen:
        chain.append(current)
        seen.add(current)
        current = parent_of.get(current)
    return chain


def parent_map(project: Project) -> dict[int, int | None]:
    """``{task id: parent id}`` of every task of the project (one query)."""
    return dict(Task.objects.filter(project=project).values_list("pk", "parent_id"))


def task_list_queryset(queryset: QuerySet[Task]) -> QuerySet[Task]:
    """What a list of tasks shows on each row, in a constant number of queries."""
    return queryset.select_related("project", "column", "parent__project").prefetch_related(
        Prefetch(
            "assignments",
            queryset=TaskAssignee.objects.select_related("employee").order_by("pk"),
        ),
        Prefetch("labels", queryset=Label.objects.order_by("name")),
    )


def open_tasks_of(employee: Employee) -> QuerySet[Task]:
    """The person's tasks not in a done column, in projects that are not templates."""
    return Task.objects.filter(
        assignments__employee=employee,
        column__is_done=False,
        project__is_template=False,
    ).exclude(project__status__in=[Project.Status.COMPLETED, Project.Status.CANCELLED])


@dataclass
class DueGroup:
    key: str
    tasks: list[Task] = field(default_factory=list)


def my_tasks(employee: Employee | None, *, today: date) -> list[DueGroup]:
    """The person's open tasks grouped by when they are due: overdue, today, this
    week (to Sunday), later, and without a date. Three queries whatever their number."""
    groups = {key: DueGroup(key) for key in ("overdue", "today", "week", "later", "undated")}
    if employee is None:
        return list(groups.values())
    week_end = today + timedelta(days=6 - today.weekday())
    tasks = (
        open_tasks_of(employee)
        .select_related("project", "column")
        .prefetch_related(Prefetch("labels", queryset=Label.objects.order_by("name")))
        .order_by("due_date", "project__code", "number")
    )
    for task in tasks:
        due = task.due_date
        if due is None:
            key = "undated"
        elif due < today:
            key = "overdue"
        elif due == today:
            key = "today"
        elif due <= week_end:
            key = "week"
        else:
            key = "later"
        groups[key].tasks.append(task)
    return list(groups.values())
