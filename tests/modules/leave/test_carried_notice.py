"""People hear 30 days ahead that carried-forward days will expire, once, and only
while some are left; a run after a gap tells what the missed days would have."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from freezegun import freeze_time

from modules.leave import notifications as notices
from modules.leave.handlers import carried_days_expiring
from modules.leave.models import LedgerEntry
from modules.leave.services.ledger import entry_post
from modules.leave.tasks import run_leave_balances
from opsplatform.notifications.models import Notification
from opsplatform.tenancy import tenant_context
from tests.factories import MembershipFactory
from tests.modules.employees.factories import EmployeeFactory
from tests.modules.leave.factories import LeaveTypeFactory

pytestmark = pytest.mark.django_db

Kind = LedgerEntry.Kind
EXPIRES = date(2027, 4, 1)


def carried(employee, leave_type, amount, *, taken=0):
    entry_post(
        employee=employee,
        leave_type=leave_type,
        kind=Kind.CARRY_FORWARD,
        amount=Decimal(amount),
        effective_on=date(2027, 1, 1),
        expires_on=EXPIRES,
    )
    if taken:
        entry_post(
            employee=employee,
            leave_type=leave_type,
            kind=Kind.USE,
            amount=-Decimal(taken),
            effective_on=date(2027, 2, 1),
        )


@pytest.fixture
def people(tenant_a):
    with tenant_context(tenant_a):
        annual = LeaveTypeFactory(name="Annual leave", code="annual")
        with_days = EmployeeFactory(membership=MembershipFactory())
        used_up = EmployeeFactory(membership=MembershipFactory())
        carried(with_days, annual, 5, taken=2)
        carried(used_up, annual, 3, taken=3)
        yield with_days, used_up


def told(employee) -> int:
    return Notification.objects.filter(
        recipient=employee.membership.user, type_code=notices.CARRIED_EXPIRING
    ).count()


def test_thirty_days_ahead_only_those_with_days_left_are_told_once(people):
    with_days, used_up = people

    assert carried_days_expiring(on=date(2027, 3, 1), since=date(2027, 2, 28)) == 0
    assert carried_days_expiring(on=date(2027, 3, 2), since=date(2027, 3, 1)) == 1
    assert carried_days_expiring(on=date(2027, 3, 3), since=date(2027, 3, 2)) == 0

    assert told(with_days) == 1
    assert told(used_up) == 0
    notice = Notification.objects.get(type_code=notices.CARRIED_EXPIRING)
    assert notice.context["leave_type"] == "Annual leave"


def test_a_run_after_a_gap_tells_what_the_missed_days_would_have(people):
    with_days, _used_up = people

    assert carried_days_expiring(on=date(2027, 3, 10), since=date(2027, 2, 20)) == 1
    assert told(with_days) == 1


def test_the_daily_task_sends_it_once_in_the_companys_day(tenant_a, people):
    with_days, _used_up = people
    with freeze_time("2027-03-01 08:00"):
        run_leave_balances()
    with freeze_time("2027-03-02 08:00"):
        run_leave_balances()
        run_leave_balances()  # the next quarter hour finds the day done
    with tenant_context(tenant_a):
        assert told(with_days) == 1
