"""Cost at the rate valid on the day: later rates never rewrite past cost."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from modules.employees import services as employee_services
from modules.employees.services.cost_rates import cost_rate_add
from modules.projects.models import TimeLog
from modules.projects.services import timelogs
from modules.projects.services.pricing import price_logs
from tests.modules.projects.time_helpers import last_week, make_task

pytestmark = pytest.mark.django_db


def test_a_rate_change_never_rewrites_a_logged_cost(in_team):
    task = make_task(in_team)
    day = last_week(in_team.tenant)
    log = timelogs.timelog_create(user=in_team.member, task=task, day=day, hours=2)
    assert log.cost_amount == Decimal("80.00")
    max_ = in_team.employee(in_team.member)
    max_.hourly_cost_rate = Decimal("70")
    employee_services.employee_save(employee=max_)
    assert TimeLog.objects.get(pk=log.pk).cost_amount == Decimal("80.00")
    # A log dated before the new rate (valid from today) still costs the old rate.
    earlier = timelogs.timelog_create(user=in_team.member, task=task, day=day, hours=1)
    assert earlier.cost_rate == Decimal("40")
    today = timelogs.timelog_create(
        user=in_team.member, task=task, day=in_team.tenant.today(), hours=1
    )
    assert today.cost_rate == Decimal("70")


def test_a_backdated_rate_prices_new_logs_only(in_team):
    task = make_task(in_team)
    day = last_week(in_team.tenant)
    old = timelogs.timelog_create(user=in_team.member, task=task, day=day, hours=1)
    cost_rate_add(
        employee=in_team.employee(in_team.member),
        valid_from=day - timedelta(days=30),
        hourly_rate=Decimal("45"),
    )
    assert TimeLog.objects.get(pk=old.pk).cost_rate == Decimal("40")
    new = timelogs.timelog_create(user=in_team.member, task=task, day=day, hours=1)
    assert new.cost_rate == Decimal("45") and new.cost_amount == Decimal("45.00")


def test_price_logs_prices_a_batch_in_one_query(in_team, django_assert_max_num_queries):
    task = make_task(in_team)
    people = [in_team.employee(u) for u in (in_team.member, in_team.member2, in_team.pm)]
    day = last_week(in_team.tenant)
    project = in_team.project
    logs = [
        TimeLog(task=task, project=project, employee=e, date=day - timedelta(days=n), hours=2)
        for e in people
        for n in range(30)
    ]
    with django_assert_max_num_queries(1):
        price_logs(logs)
    assert {log.cost_rate for log in logs} == {Decimal("40"), Decimal("50"), Decimal("60")}
    assert all(log.bill_amount == Decimal("180.00") for log in logs)


def test_a_non_billable_log_bills_nothing(in_team):
    task = make_task(in_team)
    log = timelogs.timelog_create(
        user=in_team.member, task=task, day=last_week(in_team.tenant), hours=2, billable=False
    )
    assert log.bill_amount == 0 and log.cost_amount == Decimal("80.00")
