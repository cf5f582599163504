"""The daily run: idempotent, catches up exactly, follows each company's own
date, and costs the same few queries whatever the number of people."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from freezegun import freeze_time

from modules.leave.models import LeavePolicy, LedgerEntry
from modules.leave.selectors import balance_on, bookable
from modules.leave.tasks import run_leave_balances
from opsplatform.models import SweepRun
from opsplatform.tenancy import tenant_context
from tests.modules.employees.factories import EmployeeFactory
from tests.modules.leave.balances_helpers import amounts, entries, person_with_policy, run
from tests.modules.leave.factories import LeavePolicyFactory, PolicyAssignmentFactory

pytestmark = pytest.mark.django_db

D = Decimal
MONTHLY = LeavePolicy.Accrual.MONTHLY


def monthly_person(**fields):
    fields.setdefault("accrues_from", date(2026, 1, 1))
    return person_with_policy(accrual=MONTHLY, yearly_entitlement=D("12"), **fields)


def test_running_a_day_twice_writes_nothing_new(tenant_a, acme):
    employee, policy = monthly_person()
    first = run(tenant_a, date(2026, 3, 10))
    second = run(tenant_a, date(2026, 3, 10))
    assert first.total == 3 and second.total == 0
    assert amounts(entries(employee, policy)) == [
        (date(2026, 1, 1), D("1.00")),
        (date(2026, 2, 1), D("1.00")),
        (date(2026, 3, 1), D("1.00")),
    ]


def test_the_task_catches_up_after_a_week_away_with_exactly_what_fell_due(tenant_a):
    with tenant_context(tenant_a):
        employee, policy = person_with_policy(
            accrual=LeavePolicy.Accrual.PAY_PERIOD,
            pay_periods_per_year=52,
            yearly_entitlement=D("52"),
            accrues_from=date(2026, 1, 1),
        )
    with freeze_time("2026-03-02 08:00"):
        run_leave_balances()
    with tenant_context(tenant_a):
        before = len(entries(employee, policy))
    with freeze_time("2026-03-17 08:00"):  # the worker was down for two weeks
        run_leave_balances()
        run_leave_balances()  # and the next quarter hour finds the day done
    with tenant_context(tenant_a):
        written = entries(employee, policy)
        new = written[before:]
        # Periods of seven days from 1 January: 5 and 12 March were due while away.
        assert [e.effective_on for e in new] == [date(2026, 3, 5), date(2026, 3, 12)]
        assert len({e.key for e in written}) == len(written)
        assert balance_on(employee, policy.leave_type) == D(len(written))
        assert SweepRun.objects.filter(name="Leave balances").count() == 2


def test_a_run_that_fails_writes_nothing_and_the_next_tick_does_it(tenant_a, monkeypatch):
    from modules.leave.services import daily

    with tenant_context(tenant_a):
        employee, policy = monthly_person()
    original = daily.daily_run

    def broken(**kwargs):
        original(**kwargs)
        raise RuntimeError("the database went away")

    monkeypatch.setattr(daily, "daily_run", broken)
    with freeze_time("2026-02-01 09:00"):
        run_leave_balances()
        with tenant_context(tenant_a):
            assert entries(employee, policy) == []
            assert not SweepRun.objects.exists()
        monkeypatch.setattr(daily, "daily_run", original)
        run_leave_balances()
    with tenant_context(tenant_a):
        assert len(entries(employee, policy)) == 2


@pytest.mark.parametrize("zone", ["Asia/Dubai", "Pacific/Auckland"])
def test_a_company_runs_on_its_own_date(tenant_a, tenant_b, zone):
    tenant_a.time_zone = zone
    tenant_a.save()
    people = {}
    for tenant in (tenant_a, tenant_b):  # B keeps UTC
        with tenant_context(tenant):
            people[tenant.pk] = monthly_person()
    # 21:30 UTC on 31 March is already 1 April in Dubai (+4) and Auckland (+13).
    with freeze_time("2026-03-31 21:30"):
        run_leave_balances()
    for tenant, expected in ((tenant_a, date(2026, 4, 1)), (tenant_b, date(2026, 3, 1))):
        with tenant_context(tenant):
            employee, policy = people[tenant.pk]
            assert entries(employee, policy)[-1].effective_on == expected


def test_a_leaver_whose_end_date_comes_late_has_the_extra_months_taken_back(tenant_a, acme):
    employee, policy = monthly_person()
    run(tenant_a, date(2026, 7, 5))
    employee.end_date = date(2026, 5, 31)
    employee.save()
    run(tenant_a, date(2026, 7, 6))
    correction = entries(employee, policy)[-1]
    assert (correction.amount, correction.key) == (
        D("-2.00"),
        f"accrual:{policy.pk}:2026:end:2026-05-31",
    )
    assert balance_on(employee, policy.leave_type) == D("5")
    assert run(tenant_a, date(2026, 8, 1)).total == 0  # nothing after they left


def test_an_up_front_leaver_is_trimmed_once_and_given_back_if_the_date_moves(tenant_a, acme):
    employee, policy = person_with_policy(
        accrual=LeavePolicy.Accrual.UP_FRONT,
        yearly_entitlement=D("36.5"),
        accrues_from=date(2026, 1, 1),
    )
    run(tenant_a, date(2026, 1, 1))
    employee.end_date = date(2026, 3, 31)  # 90 days of 365
    employee.save()
    run(tenant_a, date(2026, 2, 2))
    run(tenant_a, date(2026, 2, 3))
    assert balance_on(employee, policy.leave_type) == D("9.00")
    employee.end_date = date(2026, 4, 30)  # 120 days
    employee.save()
    run(tenant_a, date(2026, 2, 4))
    assert balance_on(employee, policy.leave_type) == D("12.00")


def test_a_new_policy_does_not_grant_a_period_the_old_one_granted(tenant_a, acme):
    employee, old = monthly_person()
    run(tenant_a, date(2026, 3, 1))
    new = LeavePolicyFactory(
        leave_type=old.leave_type, accrual=MONTHLY, yearly_entitlement=D("24"), priority=1
    )
    PolicyAssignmentFactory(policy=new, employee=employee)
    run(tenant_a, date(2026, 4, 2))
    assert [(e.effective_on, e.amount) for e in entries(employee, old)][-2:] == [
        (date(2026, 3, 1), D("1.00")),
        (date(2026, 4, 1), D("2.00")),
    ]


def test_bookable_adds_the_policys_negative_limit(tenant_a, acme):
    employee, policy = monthly_person(negative_limit=D("3"))
    run(tenant_a, date(2026, 2, 1))
    assert bookable(employee, policy.leave_type) == D("5")


def test_the_run_costs_the_same_queries_for_many_people(tenant_a, acme):
    policy = LeavePolicyFactory(
        accrual=MONTHLY, yearly_entitlement=D("12"), accrues_from=date(2026, 1, 1)
    )
    PolicyAssignmentFactory(policy=policy, employee=None)  # everyone in the company

    def queries(day):
        with CaptureQueriesContext(connection) as captured:
            run(tenant_a, day)
        return len(captured.captured_queries)

    EmployeeFactory.create_batch(2)
    few = queries(date(2026, 1, 1))
    EmployeeFactory.create_batch(30)
    many = queries(date(2026, 2, 1))
    assert many == few
    assert LedgerEntry.objects.filter(effective_on=date(2026, 2, 1)).count() == 32
