"""The year boundary: what carries into the new year, and the carried days'
expiry on exactly the right day, used first-in first-out."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from modules.leave.models import LeavePolicy, LedgerEntry
from modules.leave.selectors import balance_on
from modules.leave.services.ledger import entry_post
from tests.modules.leave.balances_helpers import amounts, entries, person_with_policy, run

pytestmark = pytest.mark.django_db

D = Decimal
UP_FRONT = LeavePolicy.Accrual.UP_FRONT
Kind = LedgerEntry.Kind


def ten_days_left(carry_forward, **policy):
    """Someone granted 20 for 2026 who took 10 of them."""
    employee, policy = person_with_policy(
        accrual=UP_FRONT,
        yearly_entitlement=D("20"),
        accrues_from=date(2026, 1, 1),
        carry_forward=carry_forward,
        **policy,
    )
    take(employee, policy, "-10", date(2026, 8, 3))
    return employee, policy


def take(employee, policy, amount, on, kind=Kind.USE):
    entry_post(
        employee=employee,
        leave_type=policy.leave_type,
        kind=kind,
        amount=D(amount),
        effective_on=on,
        reason="test",
    )


def year_end(employee, policy):
    """The entries the boundary wrote (neither accruals nor the leave taken)."""
    return amounts(
        e for e in entries(employee, policy) if e.kind in (Kind.EXPIRY, Kind.CARRY_FORWARD)
    )


def test_nothing_carries_without_carry_forward(tenant_a, acme):
    employee, policy = ten_days_left(LeavePolicy.CarryForward.NONE)
    run(tenant_a, date(2027, 1, 1))
    assert year_end(employee, policy) == [(date(2027, 1, 1), D("-10.00"))]
    assert balance_on(employee, policy.leave_type, date(2026, 12, 31)) == D("10")
    assert balance_on(employee, policy.leave_type, date(2027, 1, 1)) == D("20")  # 2027's grant


def test_everything_carries_with_carry_forward_all(tenant_a, acme):
    employee, policy = ten_days_left(LeavePolicy.CarryForward.ALL)
    run(tenant_a, date(2027, 1, 1))
    # Nothing changes and nothing expires later: nothing to write.
    assert year_end(employee, policy) == []
    assert balance_on(employee, policy.leave_type, date(2027, 1, 1)) == D("30")


def test_up_to_a_limit_carries_the_limit_and_the_rest_expires(tenant_a, acme):
    employee, policy = ten_days_left(LeavePolicy.CarryForward.UP_TO, carry_forward_max=D("5"))
    run(tenant_a, date(2027, 1, 1))
    close, carry, accrual = entries(employee, policy, effective_on=date(2027, 1, 1))
    assert accrual.kind == Kind.ACCRUAL  # 2027's grant, written after 2026's close
    assert (close.kind, close.amount, close.key) == (
        Kind.EXPIRY,
        D("-10.00"),
        f"expire:{policy.leave_type_id}:2027",
    )
    assert (carry.kind, carry.amount, carry.key, carry.expires_on) == (
        Kind.CARRY_FORWARD,
        D("5.00"),
        f"carry:{policy.leave_type_id}:2027",
        None,
    )
    assert balance_on(employee, policy.leave_type, date(2027, 1, 1)) == D("25")


def test_a_negative_balance_is_not_carried_it_stays(tenant_a, acme):
    employee, policy = ten_days_left(LeavePolicy.CarryForward.NONE)
    take(employee, policy, "-13", date(2026, 9, 1))
    run(tenant_a, date(2027, 1, 1))
    assert year_end(employee, policy) == []
    assert balance_on(employee, policy.leave_type, date(2027, 1, 1)) == D("17")


def carried_with_expiry(tenant_a):
    employee, policy = ten_days_left(
        LeavePolicy.CarryForward.UP_TO, carry_forward_max=D("5"), carry_forward_expiry_months=3
    )
    run(tenant_a, date(2027, 1, 1))
    return employee, policy


def test_carried_days_expire_on_the_day_after_the_last_usable_one(tenant_a, acme):
    employee, policy = carried_with_expiry(tenant_a)
    (carry,) = entries(employee, policy, kind=Kind.CARRY_FORWARD)
    assert carry.expires_on == date(2027, 4, 1)  # usable up to 31 March
    run(tenant_a, date(2027, 3, 31))
    assert entries(employee, policy, key=f"carry-expire:{policy.leave_type_id}:2027") == []
    run(tenant_a, date(2027, 4, 1))
    (expired,) = entries(employee, policy, key=f"carry-expire:{policy.leave_type_id}:2027")
    assert (expired.kind, expired.amount, expired.effective_on) == (
        Kind.EXPIRY,
        D("-5.00"),
        date(2027, 4, 1),
    )
    assert balance_on(employee, policy.leave_type, date(2027, 3, 31)) == D("25")
    assert balance_on(employee, policy.leave_type) == D("20")


def test_leave_taken_since_1_january_uses_the_carried_days_first(tenant_a, acme):
    employee, policy = carried_with_expiry(tenant_a)
    take(employee, policy, "-3", date(2027, 2, 10))
    take(employee, policy, "-1", date(2027, 3, 5), kind=Kind.RESERVATION)  # booked, pending
    take(employee, policy, "-4", date(2027, 5, 5))  # after the expiry: this year's days
    run(tenant_a, date(2027, 4, 1))
    (expired,) = entries(employee, policy, key=f"carry-expire:{policy.leave_type_id}:2027")
    assert expired.amount == D("-1.00")  # 5 carried, 4 used or booked before April


def test_all_carried_days_used_leaves_nothing_to_expire(tenant_a, acme):
    employee, policy = carried_with_expiry(tenant_a)
    take(employee, policy, "-6", date(2027, 1, 20))
    run(tenant_a, date(2027, 4, 1))
    assert entries(employee, policy, key=f"carry-expire:{policy.leave_type_id}:2027") == []


def test_a_catch_up_across_the_year_end_and_the_expiry_day(tenant_a, acme):
    employee, policy = ten_days_left(LeavePolicy.CarryForward.ALL, carry_forward_expiry_months=1)
    run(tenant_a, date(2026, 12, 20))
    run(tenant_a, date(2027, 2, 3), since=date(2026, 12, 20))  # the worker was away seven weeks
    assert year_end(employee, policy) == [
        (date(2027, 1, 1), D("-10.00")),
        (date(2027, 1, 1), D("10.00")),
        (date(2027, 2, 1), D("-10.00")),
    ]
    assert balance_on(employee, policy.leave_type) == D("20")
