"""The figures of a person's project cards (dashboard.py): four queries at most."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, Sum

from modules.employees.selectors import my_employee
from modules.projects.models import Project, Task, TaskAssignee, TimeLog
from modules.projects.selectors.visibility import visible_projects


def my_project_figures(user, today: date) -> dict | None:
    """None for someone who sees no project; else the counts the cards show.

    ``at_risk`` and ``off_track`` count live projects they can see; ``overdue``
    the open tasks past due in those projects; ``my_open`` the open tasks
    assigned to them; ``hours_this_week`` their own hours from Monday to today.
    """
    projects = visible_projects(user, Project.objects.filter(is_template=False))
    health = projects.aggregate(
        seen=Count("pk"),
        at_risk=Count("pk", filter=Q(health=Project.Health.AT_RISK)),
        off_track=Count("pk", filter=Q(health=Project.Health.OFF_TRACK)),
    )
    if not health["seen"]:
        return None
    me = my_employee(user)
    mine = (
        Exists(TaskAssignee.objects.filter(task_id=OuterRef("pk"), employee_id=me.pk))
        if me is not None
        else Q(pk__in=[])
    )
    open_tasks = Task.objects.filter(
        project__in=projects.values("pk"), column__is_done=False
    ).aggregate(
        overdue=Count("pk", filter=Q(due_date__lt=today)),
        my_open=Count("pk", filter=Q(mine)),
    )
    hours = Decimal("0")
    if me is not None:
        monday = today - timedelta(days=today.weekday())
        hours = TimeLog.objects.filter(
            employee_id=me.pk, date__gte=monday, date__lte=today
        ).aggregate(total=Sum("hours"))["total"] or Decimal("0")
    return {
        "at_risk": health["at_risk"],
        "off_track": health["off_track"],
        "overdue": open_tasks["overdue"],
        "my_open": open_tasks["my_open"],
        "hours_this_week": hours,
        "has_employee": me is not None,
    }
