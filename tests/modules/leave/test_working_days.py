"""What leave costs: the person's schedule, their location's holidays, half days,
hours, and "today" in the company's time zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from decimal import Decimal
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from modules.leave.models import Holiday, HolidayCalendar, Unit
from modules.leave.working_days import company_today, cost_from, leave_cost
from opsplatform.tenancy import tenant_context
from tests.modules.employees.factories import (
    EmployeeFactory,
    WorkLocationFactory,
    WorkScheduleFactory,
)

from .factories import LeaveTypeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def acme(tenant_a):
    with tenant_context(tenant_a):
        yield tenant_a


# 2026-12-06 is a Sunday.
SUN, MON, TUE, WED, THU, FRI, SAT = (date(2026, 12, day) for day in range(6, 13))


def cost(employee, leave_type, start, end, **parts):
    return leave_cost(employee=employee, leave_type=leave_type, start=start, end=end, **parts)


def test_monday_to_friday_without_a_schedule(acme):
    person = EmployeeFactory()
    week = cost(person, LeaveTypeFactory(), SUN, SAT)
    assert week.days == Decimal("5")
    assert sorted(week.per_day) == [MON, TUE, WED, THU, FRI]


def test_a_sunday_to_thursday_schedule_counts_sunday_not_friday(acme):
    person = EmployeeFactory(
        schedule=WorkScheduleFactory(
            working_days=[6, 0, 1, 2, 3], starts_at=time(9), ends_at=time(17)
        )
    )
    week = cost(person, LeaveTypeFactory(), SUN, SAT)
    assert week.days == Decimal("5")
    assert FRI not in week.per_day and SUN in week.per_day


def test_a_type_that_counts_weekends_counts_every_day(acme):
    assert cost(EmployeeFactory(), LeaveTypeFactory(counts_weekends=True), SUN, SAT).days == 7


def test_the_locations_calendar_applies_one_off_and_yearly_holidays(acme):
    office = WorkLocationFactory()
    local = HolidayCalendar.objects.create(name="Dubai")
    local.locations.add(office)
    Holiday.objects.create(calendar=local, name="One-off", date=TUE)
    Holiday.objects.create(
        calendar=local, name="Every year", date=date(2019, 12, 10), recurs_yearly=True
    )
    person = EmployeeFactory(location=office)
    week = cost(person, LeaveTypeFactory(), MON, FRI)
    assert week.days == Decimal("3")
    assert TUE not in week.per_day and THU not in week.per_day


def test_the_default_calendar_serves_people_whose_location_has_none(acme):
    default = HolidayCalendar.objects.create(name="Company", is_default=True)
    Holiday.objects.create(calendar=default, name="Founders' day", date=WED)
    elsewhere = HolidayCalendar.objects.create(name="Elsewhere")
    own = WorkLocationFactory()
    elsewhere.locations.add(own)
    assert cost(EmployeeFactory(), LeaveTypeFactory(), MON, FRI).days == 4
    assert (
        cost(EmployeeFactory(location=WorkLocationFactory()), LeaveTypeFactory(), MON, FRI).days
        == 4
    )
    # A location with its own calendar does not get the default's holidays.
    assert cost(EmployeeFactory(location=own), LeaveTypeFactory(), MON, FRI).days == 5


def test_a_half_day_holiday_leaves_half_a_day_and_counts_holidays_counts_it(acme):
    default = HolidayCalendar.objects.create(name="Company", is_default=True)
    Holiday.objects.create(calendar=default, name="Eve", date=THU, half_day=True)
    person = EmployeeFactory()
    assert cost(person, LeaveTypeFactory(), MON, FRI).days == Decimal("4.5")
    assert cost(person, LeaveTypeFactory(counts_holidays=True), MON, FRI).days == 5


def test_half_days_at_either_end(acme):
    person, kind = EmployeeFactory(), LeaveTypeFactory(unit=Unit.HALF_DAYS)
    assert cost(person, kind, MON, WED, start_part="afternoon").days == Decimal("2.5")
    assert cost(person, kind, MON, WED, start_part="afternoon", end_part="morning").days == 2
    assert cost(person, kind, TUE, TUE, start_part="morning", end_part="morning").days == Decimal(
        "0.5"
    )


def test_hours_of_one_day_or_whole_days_at_the_schedules_length(acme):
    person = EmployeeFactory(
        schedule=WorkScheduleFactory(starts_at=time(8), ends_at=time(15), break_minutes=60)
    )
    hours = LeaveTypeFactory(unit=Unit.HOURS)
    one = cost(person, hours, TUE, TUE, hours=Decimal("3"))
    assert (one.amount, one.days) == (Decimal("3.00"), Decimal("0.50"))
    two = cost(person, hours, MON, TUE)
    assert (two.amount, two.days) == (Decimal("12.00"), Decimal("2.00"))
    assert cost_from(two, TUE) == Decimal("6.00")


def test_a_long_range_reads_the_holidays_in_one_query(acme):
    person, kind = EmployeeFactory(location=WorkLocationFactory()), LeaveTypeFactory()
    with CaptureQueriesContext(connection) as queries:
        cost(person, kind, date(2026, 1, 1), date(2027, 12, 31))
    assert len(queries) == 1


def test_today_is_the_companys(acme):
    acme.time_zone = "Asia/Dubai"
    late_evening_utc = datetime(2026, 12, 7, 21, 30, tzinfo=UTC)
    with mock.patch("django.utils.timezone.now", return_value=late_evening_utc):
        assert company_today(acme) == TUE  # already Tuesday in Dubai
        acme.time_zone = "America/New_York"
        assert company_today(acme) == MON
