"""The team calendar: approved and pending leave in the right cells and colours,
holidays of each person's location, blackouts, months, filters, Arabic; the
"off today / this week" lists and the dashboard card."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

import pytest

from modules.leave.models import LeaveRequest
from modules.leave.selectors.calendar import month_grid, off_today_count
from opsplatform.tenancy import tenant_context
from tests.modules.employees.factories import WorkLocationFactory
from tests.modules.leave.factories import (
    BlackoutPeriodFactory,
    HolidayCalendarFactory,
    HolidayFactory,
    LeaveTypeFactory,
)
from tests.modules.leave.screens import allocate, request_leave

pytestmark = pytest.mark.django_db

CALENDAR = "/admin/leave/leaverequest/calendar/"
MONDAY = date(2031, 3, 3)


def cell(content: str, employee_id: int, day: date) -> str:
    row = re.search(rf'<tr data-employee="{employee_id}">(.*?)</tr>', content, re.S).group(1)
    return re.search(rf'<td[^>]*data-day="{day:%Y-%m-%d}"[^>]*>', row).group(0)


@pytest.fixture
def march(in_office):
    annual = LeaveTypeFactory(name="Annual leave", code="annual", colour="#16a34a")
    sick = LeaveTypeFactory(name="Sick leave", code="sick", colour="#dc2626")
    wes = in_office.employee(in_office.worker)
    wes.location = WorkLocationFactory(name="Dubai")
    wes.save()
    calendar = HolidayCalendarFactory(name="UAE")
    calendar.locations.add(wes.location)
    HolidayFactory(
        calendar=calendar, name="Founders day", date=date(2020, 3, 12), recurs_yearly=True
    )
    HolidayFactory(calendar=HolidayCalendarFactory(is_default=True), name="Elsewhere", date=MONDAY)
    BlackoutPeriodFactory(
        name="Quarter close", starts_on=date(2031, 3, 28), ends_on=date(2031, 3, 31)
    )
    for kind in (annual, sick):
        allocate(wes, kind, on=date(2031, 1, 1))
    approved = request_leave(in_office.worker, MONDAY, MONDAY + timedelta(days=2), annual)
    pending = request_leave(
        in_office.worker, date(2031, 3, 17), date(2031, 3, 18), sick, approve=False
    )
    return wes, approved, pending


def test_approved_leave_fills_its_days_in_the_types_colour(office, march, client_for):
    wes, approved, _pending = march
    content = (
        client_for(office.tenant, office.lead).get(f"{CALENDAR}?year=2031&month=3").content.decode()
    )

    first = cell(content, wes.pk, MONDAY)
    assert 'data-status="approved"' in first and "--lv-colour: #16a34a" in first
    assert 'data-status="approved"' in cell(content, wes.pk, MONDAY + timedelta(days=2))
    assert "data-status" not in cell(content, wes.pk, MONDAY + timedelta(days=3))


def test_pending_leave_is_shown_apart_from_approved(office, march, client_for):
    wes, _approved, _pending = march
    content = (
        client_for(office.tenant, office.lead).get(f"{CALENDAR}?year=2031&month=3").content.decode()
    )

    pending = cell(content, wes.pk, date(2031, 3, 17))
    assert 'data-status="pending"' in pending and "lv-pending" in pending
    assert "Sick leave (pending)" in pending


def test_holidays_come_from_the_persons_location_and_blackouts_are_marked(in_office, march):
    wes, _approved, _pending = march

    grid = month_grid(in_office.lead, year=2031, month=3)

    cells = {c.day: c for c in grid.rows[0].cells}
    assert cells[date(2031, 3, 12)].holiday == "Founders day"  # recurring, this year
    assert cells[MONDAY].holiday == ""  # the default calendar is not Dubai's
    assert cells[date(2031, 3, 29)].blackout
    assert [b.name for b in grid.blackouts] == ["Quarter close"]


def test_people_without_a_location_get_the_default_calendar(in_office, march):
    wes, _approved, _pending = march
    wes.location = None
    wes.save()

    grid = month_grid(in_office.lead, year=2031, month=3)

    assert {c.day: c for c in grid.rows[0].cells}[MONDAY].holiday == "Elsewhere"


def test_months_are_navigable_and_an_empty_month_says_so(office, march, client_for):
    client = client_for(office.tenant, office.lead)
    content = client.get(f"{CALENDAR}?year=2031&month=4").content.decode()

    assert "Nobody is off this month." in content
    assert "year=2031&amp;month=3" in content and "year=2031&amp;month=5" in content


def test_nonsense_in_the_query_string_shows_this_month(office, client_for):
    response = client_for(office.tenant, office.hr).get(
        f"{CALENDAR}?year=x&month=13&department=-1&page=0"
    )

    assert response.status_code == 200


def test_filtering_by_location_keeps_only_its_people(in_office, march):
    wes, _approved, _pending = march
    elsewhere = WorkLocationFactory()

    assert month_grid(in_office.hr, year=2031, month=3, location_id=elsewhere.pk).rows == []
    assert month_grid(in_office.hr, year=2031, month=3, location_id=wes.location_id).rows


def test_the_calendar_in_arabic_is_right_to_left_and_labels_its_cells(office, march, client_for):
    client = client_for(office.tenant, office.lead)
    client.cookies["django_language"] = "ar"

    content = client.get(
        f"{CALENDAR}?year=2031&month=3", HTTP_ACCEPT_LANGUAGE="ar"
    ).content.decode()

    assert 'dir="rtl"' in content
    assert '<th scope="row" class="lv-person">' in content
    assert '<th scope="col" class="lv-day' in content


def test_off_today_and_this_week_list_approved_and_pending_leave(in_office, march):
    from modules.leave.selectors.calendar import off_between

    _wes, approved, pending = march

    assert off_today_count(in_office.lead, MONDAY + timedelta(days=1)) == 1
    assert off_today_count(in_office.lead, date(2031, 3, 17)) == 0  # pending is not off yet
    assert off_today_count(in_office.hostile, MONDAY) == 0
    week = off_between(in_office.lead, date(2031, 3, 17), date(2031, 3, 23))
    assert week == [pending]


def test_leave_cancelled_after_it_started_ends_in_the_lists_on_the_day_it_was_cancelled(
    in_office, march
):
    from django.utils import timezone

    from modules.leave.selectors.calendar import off_between

    _wes, approved, _pending = march
    cancelled_on = MONDAY + timedelta(days=1)
    # As leave_cancel_approved leaves it: the day of cancelling stays taken.
    LeaveRequest.objects.filter(pk=approved.pk).update(
        cancelled_at=timezone.make_aware(datetime.combine(cancelled_on, time(10)))
    )

    (listed,) = off_between(in_office.lead, MONDAY, MONDAY + timedelta(days=6))
    assert listed.pk == approved.pk and listed.last_off == cancelled_on
    assert (
        off_between(in_office.lead, cancelled_on + timedelta(days=1), MONDAY + timedelta(days=6))
        == []
    )


def test_the_dashboard_card_counts_who_is_off_today_for_managers_only(
    office, client_for, monkeypatch
):
    from django.test import RequestFactory

    from modules.leave.dashboard import leave_cards

    with tenant_context(office.tenant):
        kind = LeaveTypeFactory()
        allocate(office.employee(office.worker), kind)
        today = date.today()
        request_leave(office.worker, today, today + timedelta(days=3), kind)  # a weekday in it
        request = RequestFactory().get("/admin/")
        request.user = office.boss
        cards = leave_cards(request)
        request.user = office.hostile
        assert leave_cards(request) == []
    assert [(str(c["title"]), c["value"]) for c in cards] == [("Off today", 1)]


def test_names_link_to_balances_only_for_those_who_may_read_them(office, march, client_for):
    wes, _approved, _pending = march
    url = f"{CALENDAR}?year=2031&month=3"
    balance = f"/admin/leave/leaverequest/balance/{wes.pk}/"

    assert balance in client_for(office.tenant, office.lead).get(url).content.decode()
    assert balance in client_for(office.tenant, office.hr).get(url).content.decode()
    assert balance not in client_for(office.tenant, office.ceo).get(url).content.decode()
