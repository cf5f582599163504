"""Accrual schedules: what a policy grants a person over time, and when."""

from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal

import pytest

from modules.leave.models import LeavePolicy
from modules.leave.services.accrual import (
    accruals_due,
    scheduled_accruals,
    service_years,
    year_periods,
)
from tests.modules.leave.balances_helpers import person_with_policy

pytestmark = pytest.mark.django_db

D = Decimal
MONTHLY = LeavePolicy.Accrual.MONTHLY
UP_FRONT = LeavePolicy.Accrual.UP_FRONT
PAY_PERIOD = LeavePolicy.Accrual.PAY_PERIOD


def year_of(employee, policy, year=2026):
    return scheduled_accruals(
        employee, policy.leave_type, after=date(year - 1, 12, 31), until=date(year, 12, 31)
    )


def test_monthly_accrual_grants_a_twelfth_on_the_first_of_each_month(acme):
    employee, policy = person_with_policy(accrual=MONTHLY, yearly_entitlement=D("20"))
    grants = year_of(employee, policy)
    assert [day for day, _ in grants] == [date(2026, m, 1) for m in range(1, 13)]
    # The running total is rounded, so no remainder is lost and the year adds up.
    assert [a for _, a in grants][:3] == [D("1.67"), D("1.66"), D("1.67")]
    assert sum(a for _, a in grants) == D("20.00")


def test_up_front_accrual_grants_the_whole_year_on_1_january(acme):
    employee, policy = person_with_policy(accrual=UP_FRONT, yearly_entitlement=D("25"))
    assert year_of(employee, policy) == [(date(2026, 1, 1), D("25.00"))]


def test_pay_periods_cut_the_year_into_equal_runs_of_days(acme):
    employee, policy = person_with_policy(
        accrual=PAY_PERIOD, pay_periods_per_year=26, yearly_entitlement=D("26")
    )
    grants = year_of(employee, policy)
    assert len(grants) == 26
    assert grants[0][0] == date(2026, 1, 1)
    assert grants[1][0] == date(2026, 1, 15)  # floor(365 / 26) = 14 days later
    assert sum(a for _, a in grants) == D("26.00")
    periods = year_periods(policy, 2026)
    assert periods[-1].end == date(2026, 12, 31)
    assert all(a.end.toordinal() + 1 == b.start.toordinal() for a, b in itertools.pairwise(periods))


def test_24_pay_periods_start_on_the_1st_and_the_16th(acme):
    _employee, policy = person_with_policy(accrual=PAY_PERIOD, pay_periods_per_year=24)
    starts = [p.start for p in year_periods(policy, 2026)]
    assert starts[:4] == [date(2026, 1, 1), date(2026, 1, 16), date(2026, 2, 1), date(2026, 2, 16)]


def test_a_joiner_gets_the_share_of_their_first_month_on_the_hire_date(acme):
    employee, policy = person_with_policy(
        accrual=MONTHLY, yearly_entitlement=D("24"), hire=date(2026, 3, 17)
    )
    grants = year_of(employee, policy)
    # 2 days a month; March: 15 of its 31 days employed.
    assert grants[0] == (date(2026, 3, 17), D("0.97"))
    assert grants[1] == (date(2026, 4, 1), D("2.00"))
    assert len(grants) == 10


def test_an_up_front_joiner_gets_the_share_of_the_year_by_days_employed(acme):
    employee, policy = person_with_policy(
        accrual=UP_FRONT, yearly_entitlement=D("20"), hire=date(2026, 7, 1)
    )
    # 1 July to 31 December: 184 of 365 days.
    assert year_of(employee, policy) == [(date(2026, 7, 1), D("10.08"))]


def test_without_pro_rata_a_joiner_gets_the_full_amounts(acme):
    employee, policy = person_with_policy(
        accrual=UP_FRONT, yearly_entitlement=D("20"), hire=date(2026, 7, 1), pro_rata=False
    )
    assert year_of(employee, policy) == [(date(2026, 7, 1), D("20.00"))]


def test_a_leaver_gets_nothing_after_they_leave(acme):
    employee, policy = person_with_policy(
        accrual=MONTHLY, yearly_entitlement=D("24"), end=date(2026, 6, 15)
    )
    grants = year_of(employee, policy)
    assert grants[-1] == (date(2026, 6, 1), D("1.00"))  # 15 of June's 30 days
    assert len(grants) == 6
    assert sum(a for _, a in grants) == D("11.00")


def test_an_up_front_grant_is_trimmed_when_an_end_date_becomes_known(acme):
    from modules.leave.services.ledger import entry_post

    employee, policy = person_with_policy(
        accrual=UP_FRONT, yearly_entitlement=D("20"), accrues_from=date(2026, 1, 1)
    )
    (grant,) = accruals_due(employee, policy, on=date(2026, 1, 1))
    assert grant.amount == D("20.00")
    entry_post(
        employee=employee,
        leave_type=policy.leave_type,
        kind=grant.kind,
        amount=grant.amount,
        effective_on=grant.effective_on,
        key=grant.key,
    )
    employee.end_date = date(2026, 6, 30)
    employee.save()
    (trim,) = accruals_due(employee, policy, on=date(2026, 3, 2))
    # Employed 1 January to 30 June: 181 of 365 days = 9.92 days.
    assert trim.amount == D("-10.08")
    assert trim.effective_on == date(2026, 3, 2)
    assert trim.key == f"accrual:{policy.pk}:2026:end:2026-06-30"


def test_a_milestone_raises_the_entitlement_from_the_first_period_after_it(acme):
    employee, policy = person_with_policy(
        accrual=MONTHLY,
        yearly_entitlement=D("24"),
        hire=date(2021, 3, 15),
        milestones=[(5, "36"), (10, "48")],
    )
    grants = dict(year_of(employee, policy))
    assert grants[date(2026, 3, 1)] == D("2.00")  # 4 years, 11 months
    assert grants[date(2026, 4, 1)] == D("3.00")  # 5 full years on 15 March


def test_the_highest_milestone_reached_applies(acme):
    employee, policy = person_with_policy(
        accrual=UP_FRONT,
        yearly_entitlement=D("20"),
        hire=date(2014, 1, 1),
        milestones=[(5, "25"), (10, "30")],
    )
    assert year_of(employee, policy) == [(date(2026, 1, 1), D("30.00"))]


def test_a_29_february_hire_completes_a_year_on_1_march(acme):
    assert service_years(date(2024, 2, 29), date(2025, 2, 28)) == 0
    assert service_years(date(2024, 2, 29), date(2025, 3, 1)) == 1
    assert service_years(date(2024, 2, 29), date(2028, 2, 29)) == 4


def test_a_29_february_joiner_in_a_leap_year(acme):
    employee, policy = person_with_policy(
        accrual=UP_FRONT, yearly_entitlement=D("36.6"), hire=date(2028, 2, 29)
    )
    # 29 February to 31 December 2028: 307 of 366 days.
    assert year_of(employee, policy, 2028) == [(date(2028, 2, 29), D("30.70"))]
    monthly, policy = person_with_policy(
        accrual=MONTHLY, yearly_entitlement=D("12"), hire=date(2028, 2, 29)
    )
    assert year_of(monthly, policy, 2028)[0] == (date(2028, 2, 29), D("0.03"))  # 1 of 29 days


def test_a_29_february_milestone_applies_from_march_in_a_common_year(acme):
    employee, policy = person_with_policy(
        accrual=MONTHLY,
        yearly_entitlement=D("12"),
        hire=date(2024, 2, 29),
        milestones=[(1, "24")],
    )
    grants = dict(year_of(employee, policy, 2025))
    assert grants[date(2025, 2, 1)] == D("1.00")
    assert grants[date(2025, 3, 1)] == D("2.00")


def test_pay_periods_in_a_leap_year_end_on_31_december(acme):
    _employee, policy = person_with_policy(accrual=PAY_PERIOD, pay_periods_per_year=52)
    periods = year_periods(policy, 2028)
    assert len(periods) == 52 and periods[-1].end == date(2028, 12, 31)
    assert sum(p.days for p in periods) == 366


def test_the_ledger_starts_on_the_policys_first_day(acme):
    employee, policy = person_with_policy(
        accrual=MONTHLY, yearly_entitlement=D("12"), accrues_from=date(2026, 4, 1)
    )
    due = accruals_due(employee, policy, on=date(2026, 5, 20))
    assert [(e.effective_on, e.amount) for e in due] == [
        (date(2026, 4, 1), D("1.00")),
        (date(2026, 5, 1), D("1.00")),
    ]
    assert [e.key for e in due] == [f"accrual:{policy.pk}:2026-04", f"accrual:{policy.pk}:2026-05"]


def test_scheduled_accruals_project_only_the_days_in_the_window(acme):
    employee, policy = person_with_policy(accrual=MONTHLY, yearly_entitlement=D("12"))
    assert scheduled_accruals(
        employee, policy.leave_type, after=date(2026, 11, 1), until=date(2027, 1, 1)
    ) == [(date(2026, 12, 1), D("1.00")), (date(2027, 1, 1), D("1.00"))]
