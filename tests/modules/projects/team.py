"""A company for the projects tests.

Owner Olive at the top; Cleo the CEO; Fin from finance; Pam, a manager who runs
the WEB project; Max and Mia, its members (Max reports to Pam); Hal, an
employee of the same company outside the project who will try to reach it; and
Ned, a manager who runs nothing here. WEB has the demo's four columns: Todo,
Progress, Review and Completed (the last a done column).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from modules.employees.models import Employee
from modules.projects.models import Column, Project, ProjectMember
from tenants.models import Membership, User

DEMO_COLUMNS = [("Todo", False), ("Progress", False), ("Review", False), ("Completed", True)]


@dataclass
class Team:
    tenant: object
    owner: User
    ceo: User
    finance: User
    pm: User
    member: User
    member2: User
    outsider: User
    other_manager: User
    project: Project
    columns: dict[str, Column]

    def employee(self, user: User) -> Employee:
        return Employee.objects.get(membership__user=user)


def link(user: User, number: str, *, manager=None, rate: str | None = "40") -> Employee:
    first, _, last = (user.full_name or user.email.split("@")[0].title()).partition(" ")
    return Employee.objects.create(
        employee_number=number,
        first_name=first,
        last_name=last or number,
        hire_date=date(2024, 1, 1),
        manager=manager,
        hourly_cost_rate=Decimal(rate) if rate is not None else None,
        membership=Membership.objects.get(user=user),
    )


def make_project(*, code: str, manager: Employee, members=(), **fields) -> tuple[Project, dict]:
    fields.setdefault("name", f"Project {code}")
    fields.setdefault("status", Project.Status.ACTIVE)
    project = Project.objects.create(code=code, manager=manager, **fields)
    for employee in members:
        ProjectMember.objects.create(project=project, employee=employee)
    columns = {
        name: Column.objects.create(project=project, name=name, order=index, is_done=done)
        for index, (name, done) in enumerate(DEMO_COLUMNS)
    }
    return project, columns
