"""Projects: starting one, editing it, and who works on it.

A new project gets the demo's four columns (Todo, Progress, Review and
Completed, the last a done column) unless it is started from a template, whose
columns and tasks are copied instead (services/templates.py). Whoever may
start projects (``visibility.may_start_projects``) creates them and is their
manager unless they name another; only a project's manager (or leadership)
edits it.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from modules.employees.models import Employee
from modules.employees.selectors import my_employee
from modules.projects.models import Column, Project, ProjectMember, TaskAssignee
from modules.projects.selectors import visibility
from modules.projects.services import health
from opsplatform.bulk import create_with_history
from opsplatform.refusals import Refused

# (name, done column): what a project starts with (docs/projects/tasks.md). Stored
# as words of the company's, not translated per reader: columns are data the
# manager renames.
DEMO_COLUMNS = (
    ("Todo", False),
    ("Progress", False),
    ("Review", False),
    ("Completed", True),
)


def columns_create_default(*, project: Project, user=None) -> list[Column]:
    columns = [
        Column(tenant_id=project.tenant_id, project=project, name=name, order=index, is_done=done)
        for index, (name, done) in enumerate(DEMO_COLUMNS)
    ]
    return create_with_history(columns, Column, user=user)


def _refuse_unless_starter(user) -> None:
    if not visibility.may_start_projects(user):
        raise Refused(_("Only owners, the CEO and managers start projects."))


def _refuse_unless_manager(user, project: Project) -> None:
    if not visibility.may_manage(user, project):
        raise Refused(_("Only the project's manager changes this project."))


@transaction.atomic
def project_save(
    *,
    user,
    project: Project,
    members: list[Employee] | None = None,
    template: Project | None = None,
) -> Project:
    """Create (no pk yet) or update ``project``; ``members`` (when given) becomes
    its member list. A new project from ``template`` copies its columns and tasks."""
    creating = project.pk is None
    if creating:
        _refuse_unless_starter(user)
        if not project.manager_id:
            employee = my_employee(user)
            if employee is None:
                raise Refused(
                    _("Name the project's manager: your login has no employee record."),
                    field="manager",
                )
            project.manager = employee
        if project.created_by_id is None and getattr(user, "pk", None):
            project.created_by = user
    else:
        _refuse_unless_manager(user, project)
    if template is not None and not template.is_template:
        raise Refused(_("Only a template can start a project."))
    project.full_clean()
    project.save()
    if creating:
        if template is not None:
            from modules.projects.services.templates import copy_template

            copy_template(template=template, project=project, user=user)
        else:
            columns_create_default(project=project, user=user)
    if members is not None:
        _set_members(project=project, employees=members, user=user)
    health.recompute(project)
    return project


def project_create(*, user, members=(), template: Project | None = None, **fields) -> Project:
    """Start a project from its fields (``code``, ``name``, ``manager`` ...)."""
    return project_save(
        user=user, project=Project(**fields), members=list(members), template=template
    )


def project_update(*, user, project: Project, **fields) -> Project:
    for name, value in fields.items():
        setattr(project, name, value)
    return project_save(user=user, project=project)


def _set_members(*, project: Project, employees, user) -> None:
    wanted = {employee.pk: employee for employee in employees}
    current = set(
        ProjectMember.objects.filter(project=project).values_list("employee_id", flat=True)
    )
    added = [
        ProjectMember(tenant_id=project.tenant_id, project=project, employee=employee)
        for pk, employee in wanted.items()
        if pk not in current
    ]
    if any(member.employee.tenant_id != project.tenant_id for member in added):
        raise Refused(_("Choose members from this company."), field="members")
    create_with_history(added, ProjectMember, user=user)
    gone = current - set(wanted)
    if gone:
        _drop_members(project=project, employee_ids=gone)


def _drop_members(*, project: Project, employee_ids) -> None:
    # Someone who leaves a project cannot see its tasks any more: they are taken
    # off them too, rather than left assigned to work they cannot open. The
    # manager stays on theirs (they see the project as its manager).
    employee_ids = set(employee_ids) - {project.manager_id}
    for row in TaskAssignee.objects.filter(task__project=project, employee_id__in=employee_ids):
        row.delete()
    for row in ProjectMember.objects.filter(project=project, employee_id__in=employee_ids):
        row.delete()


@transaction.atomic
def member_add(*, user, project: Project, employee: Employee) -> ProjectMember:
    _refuse_unless_manager(user, project)
    if ProjectMember.objects.filter(project=project, employee=employee).exists():
        raise Refused(_("%(name)s is already a member.") % {"name": employee.full_name})
    member = ProjectMember(tenant_id=project.tenant_id, project=project, employee=employee)
    member.full_clean()
    member.save()
    health.recompute(project)
    return member


@transaction.atomic
def member_remove(*, user, project: Project, employee: Employee) -> None:
    _refuse_unless_manager(user, project)
    if not ProjectMember.objects.filter(project=project, employee=employee).exists():
        raise Refused(_("%(name)s is not a member.") % {"name": employee.full_name})
    _drop_members(project=project, employee_ids={employee.pk})
    health.recompute(project)


@transaction.atomic
def members_set(*, user, project: Project, employees) -> None:
    _refuse_unless_manager(user, project)
    _set_members(project=project, employees=list(employees), user=user)
    health.recompute(project)
