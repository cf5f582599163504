"""Shared set-up of the balance tests: a policy assigned to a person, and the
daily run as the periodic task does it (inside the company's transaction)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from modules.leave.models import LedgerEntry
from modules.leave.services.daily import daily_run
from opsplatform.tenancy.rls import tenant_transaction
from tests.modules.employees.factories import EmployeeFactory
from tests.modules.leave.factories import (
    AccrualMilestoneFactory,
    LeavePolicyFactory,
    PolicyAssignmentFactory,
)


def person_with_policy(*, hire=date(2020, 1, 1), end=None, milestones=(), **policy_fields):
    """An employee and the policy assigned to them (inside a tenant context)."""
    policy = LeavePolicyFactory(**policy_fields)
    for years, entitlement in milestones:
        AccrualMilestoneFactory(
            policy=policy, after_years=years, yearly_entitlement=Decimal(entitlement)
        )
    employee = EmployeeFactory(hire_date=hire, end_date=end)
    PolicyAssignmentFactory(policy=policy, employee=employee)
    return employee, policy


def run(tenant, on: date, since: date | None = None):
    with tenant_transaction(tenant):
        return daily_run(tenant=tenant, on=on, since=since)


def entries(employee, policy=None, **filters):
    rows = LedgerEntry.objects.filter(employee=employee, **filters)
    if policy is not None:
        rows = rows.filter(leave_type=policy.leave_type)
    return list(rows.order_by("effective_on", "pk"))


def amounts(rows) -> list[tuple[date, Decimal]]:
    return [(row.effective_on, row.amount) for row in rows]


def total(rows) -> Decimal:
    return sum((row.amount for row in rows), Decimal("0"))
