"""Who may see and do what in projects: the one place every screen narrows through.

- owners and the CEO see every project (templates included) and manage them all;
- finance sees every project, to read its cost, but manages none;
- a project's manager manages it: its settings, members, columns, and the
  timesheets of the people who log time on it;
- a project's members (and its manager) see it and work its tasks: create,
  move, comment, attach, and log their own time;
- anyone else reaches none of its tasks, by list, by id, by export or live;
- cost figures (rates, cost, margin) are for the project's manager, finance,
  owners and the CEO. Bill amounts follow cost: a margin is their difference.

Each helper returns a queryset or a boolean; every refusal by id is a 404 alike
for "missing", "another company's" and "not yours".
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from modules.employees.selectors import my_employee
from modules.projects.models import Project, Task
from opsplatform.permissions import current_roles, per_user_cache
from tenants.roles import RoleCode

SEE_EVERY_PROJECT = frozenset({RoleCode.OWNER, RoleCode.CEO, RoleCode.FINANCE})
MANAGE_EVERY_PROJECT = frozenset({RoleCode.OWNER, RoleCode.CEO})
SEE_EVERY_COST = frozenset({RoleCode.OWNER, RoleCode.CEO, RoleCode.FINANCE})
# Who may start a project (and becomes its manager unless they name another).
START_PROJECTS = frozenset({RoleCode.OWNER, RoleCode.CEO, RoleCode.MANAGER})


def sees_every_project(user) -> bool:
    return bool(current_roles(user) & SEE_EVERY_PROJECT)


def manages_every_project(user) -> bool:
    return bool(current_roles(user) & MANAGE_EVERY_PROJECT)


def may_start_projects(user) -> bool:
    return bool(current_roles(user) & START_PROJECTS)


def _my_employee_id(user) -> int | None:
    employee = my_employee(user)
    return employee.pk if employee is not None else None


def visible_projects(user, queryset: QuerySet[Project] | None = None) -> QuerySet[Project]:
    queryset = Project.objects.all() if queryset is None else queryset
    if sees_every_project(user):
        return queryset
    employee_id = _my_employee_id(user)
    if employee_id is None:
        return queryset.none()
    return queryset.filter(Q(manager_id=employee_id) | Q(pk__in=_member_project_ids(employee_id)))


def _member_project_ids(employee_id: int):
    from modules.projects.models import ProjectMember

    return ProjectMember.objects.filter(employee_id=employee_id).values("project_id")


def managed_projects(user, queryset: QuerySet[Project] | None = None) -> QuerySet[Project]:
    queryset = Project.objects.all() if queryset is None else queryset
    if manages_every_project(user):
        return queryset
    employee_id = _my_employee_id(user)
    if employee_id is None:
        return queryset.none()
    return queryset.filter(manager_id=employee_id)


def visible_tasks(user, queryset: QuerySet[Task] | None = None) -> QuerySet[Task]:
    queryset = Task.objects.all() if queryset is None else queryset
    if sees_every_project(user):
        return queryset
    return queryset.filter(project__in=visible_projects(user).values("pk"))


def _project_roles(user, project: Project) -> frozenset[str]:
    """ "manager" and/or "member" for this person on this project (cached per request)."""

    def compute() -> frozenset[str]:
        employee_id = _my_employee_id(user)
        if employee_id is None:
            return frozenset()
        roles = set()
        if project.manager_id == employee_id:
            roles.add("manager")
        from modules.projects.models import ProjectMember

        if ProjectMember.objects.filter(project_id=project.pk, employee_id=employee_id).exists():
            roles.add("member")
        return frozenset(roles)

    return per_user_cache(user, f"projects.roles:{project.pk}", compute)


def may_see_project(user, project: Project) -> bool:
    return sees_every_project(user) or bool(_project_roles(user, project))


def may_work_on(user, project: Project) -> bool:
    """Create and move tasks, comment, attach, log time: its manager and members."""
    return manages_every_project(user) or bool(_project_roles(user, project))


def may_manage(user, project: Project) -> bool:
    return manages_every_project(user) or "manager" in _project_roles(user, project)


def may_see_cost(user, project: Project | None = None) -> bool:
    """Cost figures of ``project`` (None: of every project this person can see)."""
    if current_roles(user) & SEE_EVERY_COST:
        return True
    if project is None:
        return False
    return "manager" in _project_roles(user, project)
