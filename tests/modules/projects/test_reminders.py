"""Due tomorrow and overdue: assignees hear once, however often the job runs."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from modules.projects.handlers import send_due_reminders
from modules.projects.services import tasks as task_services
from modules.projects.tasks import remind_due_tasks
from opsplatform.notifications.models import Notification
from opsplatform.tenancy import tenant_context

pytestmark = pytest.mark.django_db


def _types(user):
    return sorted(
        (n.type_code, n.context["reference"]) for n in Notification.objects.filter(recipient=user)
    )


def test_due_tomorrow_and_overdue_once_per_day(in_team):
    team = in_team
    today = date(2026, 10, 14)
    max_ = team.employee(team.member)
    for title, due in (("Soon", today + timedelta(days=1)), ("Late", today - timedelta(days=2))):
        task_services.task_create(
            user=team.pm, project=team.project, title=title, due_date=due, assignees=[max_]
        )
    task_services.task_create(
        user=team.pm,
        project=team.project,
        title="Done late",
        due_date=today - timedelta(days=3),
        assignees=[max_],
        column=team.columns["Completed"],
    )
    Notification.objects.all().delete()
    assert send_due_reminders(today) == 2
    assert _types(team.member) == [
        ("projects.due_tomorrow", "WEB-1"),
        ("projects.overdue", "WEB-2"),
    ]
    assert send_due_reminders(today) == 0  # a second run sends nothing twice
    # The next day: still overdue, but told within the week; nothing is due tomorrow.
    assert send_due_reminders(today + timedelta(days=1)) == 0


def _task_due_tomorrow(team) -> None:
    with tenant_context(team.tenant):
        task_services.task_create(
            user=team.pm,
            project=team.project,
            title="Soon",
            due_date=team.tenant.today() + timedelta(days=1),
            assignees=[team.employee(team.member)],
        )
        Notification.objects.filter(type_code="projects.due_tomorrow").delete()


def _due_tomorrow_notices(team) -> int:
    with tenant_context(team.tenant):
        return Notification.objects.filter(type_code="projects.due_tomorrow").count()


def test_the_periodic_job_runs_each_company_once_a_day(team, monkeypatch):
    monkeypatch.setattr("modules.projects.tasks.MORNING", 0)  # whatever the hour now
    _task_due_tomorrow(team)
    remind_due_tasks.call_local()
    remind_due_tasks.call_local()
    assert _due_tomorrow_notices(team) == 1


def test_a_tick_before_the_morning_sends_nothing_and_keeps_the_day(team, monkeypatch):
    _task_due_tomorrow(team)
    monkeypatch.setattr("modules.projects.tasks.MORNING", 24)  # not yet, whatever the hour
    remind_due_tasks.call_local()
    assert _due_tomorrow_notices(team) == 0
    monkeypatch.setattr("modules.projects.tasks.MORNING", 0)
    remind_due_tasks.call_local()
    assert _due_tomorrow_notices(team) == 1
