"""Small builders for the health and analytics tests: tasks and logs with exact numbers."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from modules.projects.models import Dependency, Task
from tests.modules.projects.factories import TaskFactory, TimeLogFactory


def task(team, column="Todo", *, estimate=None, due=None, **fields) -> Task:
    return TaskFactory(
        project=fields.pop("project", team.project),
        column=team.columns[column],
        estimate_hours=None if estimate is None else Decimal(str(estimate)),
        due_date=due,
        **fields,
    )


def tasks(team, count: int, column="Todo", **fields) -> list[Task]:
    return [task(team, column, **fields) for _ in range(count)]


def log(team, on_task: Task, *, who=None, on: date, hours, cost="0", bill="0", **fields):
    return TimeLogFactory(
        task=on_task,
        project=on_task.project,
        employee=who or team.employee(team.member),
        date=on,
        hours=Decimal(str(hours)),
        cost_amount=Decimal(str(cost)),
        bill_amount=Decimal(str(bill)),
        **fields,
    )


def block(task_: Task, by: Task) -> Dependency:
    return Dependency.objects.create(task=task_, blocker=by)
