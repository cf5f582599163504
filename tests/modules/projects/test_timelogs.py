"""Logging time: who may log for whom, the day's limits, edits, corrections and the lock."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.http import Http404

from modules.projects.models import Task, TimeLog
from modules.projects.services import timelogs, timers
from modules.projects.services.timesheets import week_submit
from opsplatform.refusals import Refused
from tests.modules.projects.time_helpers import decide, last_week, make_task

pytestmark = pytest.mark.django_db


def test_member_logs_own_time_and_the_task_counts_it(in_team):
    task = make_task(in_team)
    day = last_week(in_team.tenant)
    log = timelogs.timelog_create(user=in_team.member, task=task, day=day, hours=Decimal("2.5"))
    assert log.employee == in_team.employee(in_team.member)
    assert log.cost_rate == Decimal("40") and log.cost_amount == Decimal("100.00")
    assert log.bill_amount == Decimal("225.00")  # the project's 90 an hour
    assert Task.objects.get(pk=task.pk).hours_logged == Decimal("2.5")


def test_outsider_cannot_log_on_a_project_they_are_not_on(in_team):
    task = make_task(in_team)
    with pytest.raises(Refused, match="not on this project"):
        timelogs.timelog_create(
            user=in_team.outsider, task=task, day=last_week(in_team.tenant), hours=1
        )
    assert not TimeLog.objects.exists()


def test_member_cannot_log_for_another_member_but_the_pm_can(in_team):
    task = make_task(in_team)
    mia = in_team.employee(in_team.member2)
    day = last_week(in_team.tenant)
    with pytest.raises(Refused, match="Only the project manager"):
        timelogs.timelog_create(user=in_team.member, task=task, day=day, hours=1, employee=mia)
    log = timelogs.timelog_create(user=in_team.pm, task=task, day=day, hours=1, employee=mia)
    assert log.employee == mia and log.cost_rate == Decimal("50")
    outsider = in_team.employee(in_team.outsider)
    with pytest.raises(Refused, match="is not on this project"):
        timelogs.timelog_create(user=in_team.pm, task=task, day=day, hours=1, employee=outsider)


def test_no_time_in_the_future_nor_over_a_day(in_team):
    task = make_task(in_team)
    today = in_team.tenant.today()
    with pytest.raises(Refused, match="not come yet"):
        timelogs.timelog_create(
            user=in_team.member, task=task, day=today + timedelta(days=1), hours=1
        )
    timelogs.timelog_create(user=in_team.member, task=task, day=today, hours=20)
    with pytest.raises(Refused, match="a day has 24"):
        timelogs.timelog_create(user=in_team.member, task=task, day=today, hours=5)


def test_edit_and_delete_own_unlocked_entry_keep_the_task_total(in_team):
    task = make_task(in_team)
    day = last_week(in_team.tenant)
    log = timelogs.timelog_create(user=in_team.member, task=task, day=day, hours=3)
    timelogs.timelog_update(user=in_team.member, log_id=log.pk, hours=Decimal("1.5"))
    assert Task.objects.get(pk=task.pk).hours_logged == Decimal("1.5")
    with pytest.raises(Http404):  # another member's entry is not even there for Mia
        timelogs.timelog_delete(user=in_team.member2, log_id=log.pk)
    timelogs.timelog_delete(user=in_team.member, log_id=log.pk)
    assert Task.objects.get(pk=task.pk).hours_logged == 0
    assert not TimeLog.objects.exists()


def test_a_submitted_week_is_locked_and_corrected_by_a_new_entry(in_team):
    task = make_task(in_team)
    day = last_week(in_team.tenant)
    log = timelogs.timelog_create(user=in_team.member, task=task, day=day, hours=4)
    week_submit(user=in_team.member, week=day)
    with pytest.raises(Refused, match="add a correction"):
        timelogs.timelog_update(user=in_team.member, log_id=log.pk, hours=2)
    with pytest.raises(Refused, match="add a correction"):
        timelogs.timelog_delete(user=in_team.member, log_id=log.pk)
    with pytest.raises(Refused, match="locked"):
        timelogs.timelog_create(user=in_team.member, task=task, day=day, hours=1)
    fix = timelogs.timelog_correct(
        user=in_team.member, log_id=log.pk, hours=Decimal("-1"), note="Overlogged"
    )
    assert fix.corrects == log and fix.date == log.date and fix.cost_amount == Decimal("-40.00")
    assert Task.objects.get(pk=task.pk).hours_logged == Decimal("3")
    with pytest.raises(Refused, match="takes away more"):
        timelogs.timelog_correct(user=in_team.member, log_id=log.pk, hours=-4, note="Too much")


def test_a_returned_week_unlocks_its_entries(in_team):
    task = make_task(in_team)
    day = last_week(in_team.tenant)
    log = timelogs.timelog_create(user=in_team.member, task=task, day=day, hours=4)
    (approval,) = week_submit(user=in_team.member, week=day)
    decide(approval, in_team.pm, "return", "Split the hours by task")
    timelogs.timelog_update(user=in_team.member, log_id=log.pk, hours=3)
    assert TimeLog.objects.get(pk=log.pk).hours == 3


def test_timer_one_per_person_stop_logs_the_minutes(in_team):
    from freezegun import freeze_time

    task = make_task(in_team)
    with freeze_time("2026-11-30 09:00:00"):
        timers.timer_start(user=in_team.member, task=task)
        with pytest.raises(Refused, match="already running"):
            timers.timer_start(user=in_team.member, task=task)
    with freeze_time("2026-11-30 10:20:29"):
        log = timers.timer_stop(user=in_team.member)
    assert log.hours == Decimal("1.33")  # 80 minutes
    assert log.date.isoformat() == "2026-11-30"
    with pytest.raises(Refused, match="No timer"):
        timers.timer_stop(user=in_team.member)


def test_timer_discard_logs_nothing(in_team):
    task = make_task(in_team)
    timers.timer_start(user=in_team.member, task=task)
    timers.timer_discard(user=in_team.member)
    assert not TimeLog.objects.exists()
    with pytest.raises(Refused):
        timers.timer_start(user=in_team.outsider, task=task)
