"""Factories of the leave module, registered for the crawlers (tests/factories.py)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import factory

from modules.leave.models import (
    AccrualMilestone,
    BlackoutPeriod,
    Holiday,
    HolidayCalendar,
    LeavePolicy,
    LeaveRequest,
    LeaveType,
    LedgerEntry,
    PolicyAssignment,
)
from tests.factories import marker, register
from tests.modules.employees.factories import EmployeeFactory


class LeaveTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LeaveType

    name = factory.LazyFunction(lambda: marker("Type"))
    code = factory.LazyFunction(lambda: marker("t").lower())


class LeavePolicyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LeavePolicy

    name = factory.LazyFunction(lambda: marker("Policy"))
    leave_type = factory.SubFactory(LeaveTypeFactory)
    yearly_entitlement = Decimal("20")


class AccrualMilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AccrualMilestone

    policy = factory.SubFactory(LeavePolicyFactory)
    after_years = 5
    yearly_entitlement = Decimal("25")


class PolicyAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PolicyAssignment

    policy = factory.SubFactory(LeavePolicyFactory)
    employee = factory.SubFactory(EmployeeFactory)


class HolidayCalendarFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HolidayCalendar

    name = factory.LazyFunction(lambda: marker("Calendar"))


class HolidayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Holiday

    calendar = factory.SubFactory(HolidayCalendarFactory)
    name = factory.LazyFunction(lambda: marker("Holiday"))
    date = date(2026, 12, 25)


class BlackoutPeriodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BlackoutPeriod

    name = factory.LazyFunction(lambda: marker("Blackout"))
    starts_on = factory.LazyFunction(lambda: date.today() + timedelta(days=30))
    ends_on = factory.LazyFunction(lambda: date.today() + timedelta(days=35))


class LedgerEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LedgerEntry

    employee = factory.SubFactory(EmployeeFactory)
    leave_type = factory.SubFactory(LeaveTypeFactory)
    kind = LedgerEntry.Kind.ALLOCATION
    amount = Decimal("5")
    effective_on = factory.LazyFunction(date.today)
    reason = factory.LazyFunction(lambda: marker("Reason"))


register(LeaveType)(lambda: LeaveTypeFactory())
register(LeavePolicy)(lambda: LeavePolicyFactory())
register(AccrualMilestone)(lambda: AccrualMilestoneFactory())
register(PolicyAssignment)(lambda: PolicyAssignmentFactory())
register(HolidayCalendar)(lambda: HolidayCalendarFactory())
register(Holiday)(lambda: HolidayFactory())
register(BlackoutPeriod)(lambda: BlackoutPeriodFactory())
register(LedgerEntry)(lambda: LedgerEntryFactory())


def make_leave_request(**fields):
    """A draft leave request of a new employee with a login; its subject row."""
    from tests.factories import MembershipFactory
    from tests.modules.approvals.factories import make_approval_request

    member = MembershipFactory()
    fields.setdefault("employee", EmployeeFactory(membership=member))
    fields.setdefault("requester", member.user)
    fields.setdefault("leave_type", LeaveTypeFactory())
    fields.setdefault("start_date", date.today() + timedelta(days=14))
    fields.setdefault("end_date", fields["start_date"] + timedelta(days=2))
    return make_approval_request(kind="leave", **fields).leaverequest


# It holds the supporting document, a private file, which the file crawler walks.
register(LeaveRequest)(make_leave_request)
