"""Reads of time: whose logs a person may see, a person's week, timesheet states.

- finance, owners and the CEO see every log (SEE_EVERY_COST);
- a project's manager sees the logs of the projects they manage;
- everyone else sees only their own logs.

A log outside that set is a 404 alike for "missing", "another company's" and
"not yours" (``log_for_user``).
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Q, QuerySet, Sum
from django.http import Http404

from modules.employees.selectors import my_employee
from modules.projects.models import Project, Task, TaskAssignee, TimeLog, Timesheet
from modules.projects.selectors.visibility import SEE_EVERY_COST, visible_projects
from opsplatform.permissions import current_roles

LOCKED_STATES = (Timesheet.State.SUBMITTED, Timesheet.State.APPROVED)
# The grid offers the tasks a person logged on in this many weeks before the week shown.
RECENT_WEEKS = 4


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def sees_every_log(user) -> bool:
    return bool(current_roles(user) & SEE_EVERY_COST)


def visible_logs(user, queryset: QuerySet[TimeLog] | None = None) -> QuerySet[TimeLog]:
    queryset = TimeLog.objects.all() if queryset is None else queryset
    if sees_every_log(user):
        return queryset
    me = my_employee(user)
    if me is None:
        return queryset.none()
    return queryset.filter(
        Q(employee_id=me.pk) | Q(project__in=Project.objects.filter(manager_id=me.pk).values("pk"))
    )


def log_for_user(user, pk, *, for_update: bool = False) -> TimeLog:
    queryset = visible_logs(user).select_related(
        "task__project", "project", "employee", "timesheet"
    )
    if for_update:
        queryset = queryset.select_for_update(of=("self",))
    log = queryset.filter(pk=pk).first() if str(pk).isdigit() else None
    if log is None:
        raise Http404
    return log


def is_locked(log: TimeLog) -> bool:
    return log.timesheet_id is not None and log.timesheet.state in LOCKED_STATES


def locked_timesheet(employee_id: int, project_id: int, day: date) -> Timesheet | None:
    """The person's submitted or approved timesheet covering ``day`` on the project."""
    return (
        Timesheet.objects.filter(
            employee_id=employee_id,
            project_id=project_id,
            week_start=monday_of(day),
            state__in=LOCKED_STATES,
        )
        .select_related("approval")
        .first()
    )


def week_logs(employee_id: int, week: date) -> list[TimeLog]:
    """The person's entries of the week (corrections included), with task and timesheet."""
    return list(
        TimeLog.objects.filter(
            employee_id=employee_id, date__gte=week, date__lt=week + timedelta(days=7)
        )
        .select_related("task__project", "timesheet")
        .order_by("date", "pk")
    )


def week_timesheets(employee_id: int, week: date) -> dict[int, Timesheet]:
    """{project id: the live timesheet of that week} (a rejected one is not live)."""
    sheets = (
        Timesheet.objects.filter(employee_id=employee_id, week_start=week)
        .exclude(state=Timesheet.State.REJECTED)
        .select_related("approval", "project")
    )
    return {sheet.project_id: sheet for sheet in sheets}


def grid_tasks(user, employee_id: int, week: date, extra_ids=()) -> list[Task]:
    """The rows of a person's week: tasks assigned to them (not done), tasks they
    logged on this week or recently, and any ``extra_ids`` they added, on projects
    they see and work on. One query."""
    recent = TimeLog.objects.filter(
        employee_id=employee_id,
        date__gte=week - timedelta(weeks=RECENT_WEEKS),
        date__lt=week + timedelta(days=7),
    ).values("task_id")
    assigned = TaskAssignee.objects.filter(
        employee_id=employee_id, task__completed_at__isnull=True
    ).values("task_id")
    ids = [int(i) for i in extra_ids if str(i).isdigit()]
    return list(
        workable_tasks(user, employee_id)
        .filter(Q(pk__in=recent) | Q(pk__in=assigned) | Q(pk__in=ids))
        .select_related("project")
        .order_by("project__code", "number")
    )


def workable_tasks(user, employee_id: int) -> QuerySet[Task]:
    """Tasks of the projects the person is on (manager or member), not templates."""
    from modules.projects.models import ProjectMember

    on = Q(project__manager_id=employee_id) | Q(
        project__in=ProjectMember.objects.filter(employee_id=employee_id).values("project_id")
    )
    return visible_projects_tasks(user).filter(on, project__is_template=False)


def visible_projects_tasks(user) -> QuerySet[Task]:
    return Task.objects.filter(project__in=visible_projects(user).values("pk"))


def hours_of(queryset: QuerySet[TimeLog]):
    return queryset.aggregate(total=Sum("hours"))["total"]
