"""What both project files look rows up in, loaded once per check (a few queries,
whatever the rows): the projects the importing person manages with their
columns and people, and every employee by work email and employee number."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from modules.employees.models import Employee
from modules.projects.models import Column, Project, ProjectMember
from modules.projects.selectors.visibility import managed_projects


@dataclass
class ProjectFacts:
    project: Project
    columns: dict[str, Column] = field(default_factory=dict)  # lower(name) -> current column
    first_column: Column | None = None
    people: set[int] = field(default_factory=set)  # the manager and the members


@dataclass
class Lookups:
    projects: dict[str, ProjectFacts]  # upper(code) -> facts, managed by the importer only
    people: dict[str, int]  # lower(work email or employee number) -> employee pk

    @classmethod
    def load(cls, user) -> Lookups:
        projects = {
            p.code.upper(): ProjectFacts(p, people={p.manager_id})
            for p in managed_projects(user).select_related("manager")
        }
        by_pk = {facts.project.pk: facts for facts in projects.values()}
        for column in Column.objects.filter(project_id__in=by_pk, retired_at__isnull=True).order_by(
            "project_id", "order", "pk"
        ):
            facts = by_pk[column.project_id]
            facts.columns.setdefault(column.name.lower(), column)
            if facts.first_column is None:
                facts.first_column = column
        for project_id, employee_id in ProjectMember.objects.filter(
            project_id__in=by_pk
        ).values_list("project_id", "employee_id"):
            by_pk[project_id].people.add(employee_id)
        people: dict[str, int] = {}
        for pk, number, email in Employee.objects.values_list(
            "pk", "employee_number", "work_email"
        ):
            people[number.lower()] = pk
            if email:
                people.setdefault(email.lower(), pk)
        return cls(projects, people)

    def project(self, row, column: str = "project") -> ProjectFacts | None:
        """The row's project, or a problem: a code the person does not manage
        reads the same as an unknown one (another company's, someone else's)."""
        code = row.text(column, required=True)
        if not code:
            return None
        facts = self.projects.get(code.upper())
        if facts is None:
            row.fail(column, _("No project “%(code)s” that you manage.") % {"code": code[:20]})
        return facts

    def person(self, row, column: str, value: str, facts: ProjectFacts | None) -> int | None:
        pk = self.people.get(value.lower())
        if pk is None:
            row.fail(column, _("No employee “%(value)s”.") % {"value": value[:60]})
            return None
        if facts is not None and pk not in facts.people:
            row.fail(
                column,
                _("“%(value)s” is not a member of %(project)s.")
                % {"value": value[:60], "project": facts.project.code},
            )
            return None
        return pk
