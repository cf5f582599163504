"""Reminders to assignees: a task due tomorrow, and a task past its due date.

Sent once a day per company (tasks.py). Each notice carries the task's id, and
the recipients who already have one for it (today for "due tomorrow", within
the last week for "overdue") are skipped: running twice, or after a catch-up,
sends nothing twice. An overdue task is said on its first day late and then
once a week while it stays open, rather than every morning.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.formats import date_format

from modules.projects import notifications as types
from modules.projects.models import Project, Task, TaskAssignee
from modules.projects.services.tasks import task_url
from opsplatform.notifications.models import Notification
from opsplatform.notifications.services import notify

OVERDUE_EVERY = timedelta(days=7)


def _open_tasks():
    return (
        Task.objects.filter(column__is_done=False, project__is_template=False)
        .exclude(project__status__in=[Project.Status.COMPLETED, Project.Status.CANCELLED])
        .select_related("project")
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=TaskAssignee.objects.select_related("employee__membership__user"),
            )
        )
        .order_by("due_date", "pk")
    )


def _already_told(type_code: str, since: datetime) -> dict[int, set[int]]:
    told: dict[int, set[int]] = defaultdict(set)
    rows = Notification.objects.filter(type_code=type_code, created_at__gte=since).values_list(
        "context__task_id", "recipient_id"
    )
    for task_id, user_id in rows:
        if task_id is not None:
            told[int(task_id)].add(user_id)
    return told


def _tell(tasks, type_code: str, told: dict[int, set[int]]) -> int:
    sent = 0
    for task in tasks:
        recipients = [
            row.employee.membership.user
            for row in task.assignments.all()
            if row.employee.membership_id
            and row.employee.membership.user_id not in told.get(task.pk, ())
        ]
        if not recipients:
            continue
        notify(
            recipients=recipients,
            type=type_code,
            context={
                "task_id": task.pk,
                "reference": task.reference,
                "title": task.title,
                "project": task.project.name,
                "due": date_format(task.due_date, "DATE_FORMAT"),
            },
            url=task_url(task),
        )
        sent += len(recipients)
    return sent


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def send_due_reminders(today: date) -> int:
    """Tell assignees of open tasks due tomorrow or overdue; returns how many were told."""
    tomorrow = today + timedelta(days=1)
    sent = _tell(
        _open_tasks().filter(due_date=tomorrow),
        types.DUE_TOMORROW,
        _already_told(types.DUE_TOMORROW, _start_of(today)),
    )
    sent += _tell(
        _open_tasks().filter(due_date__lt=today),
        types.OVERDUE,
        _already_told(types.OVERDUE, _start_of(today - OVERDUE_EVERY + timedelta(days=1))),
    )
    return sent
