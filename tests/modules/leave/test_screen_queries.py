"""The leave screens cost the same number of queries whatever the number of
people, requests or ledger entries (no query per row or per entry)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from modules.leave.models import LedgerEntry
from modules.leave.services.ledger import entry_post
from opsplatform.tenancy import tenant_context
from tenants.roles import RoleCode
from tests.modules.employees.factories import WorkLocationFactory
from tests.modules.leave.factories import (
    BlackoutPeriodFactory,
    HolidayCalendarFactory,
    HolidayFactory,
    LeaveTypeFactory,
)
from tests.modules.leave.screens import allocate, link, request_leave

pytestmark = pytest.mark.django_db

START = date(2031, 3, 3)  # a Monday, far enough ahead for any notice rule


def queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    return len(captured.captured_queries)


def assert_constant(client, url: str, grow) -> int:
    client.get(url)  # warm per-process caches (content types, sidebar)
    few = queries_for(client, url)
    grow()
    # Growing saved gates, which makes the sidebar's cached inbox count be asked
    # again once (opsplatform.counts): warm it, so only the rows differ.
    client.get(url)
    many = queries_for(client, url)
    assert many == few, f"{url}: {few} queries with few rows, {many} with many"
    return many


@pytest.fixture
def team(office, make_member):
    """Adds people reporting to Lea, each on its own location (with its own holiday
    calendar) and with approved and pending leave of its own type in March 2031."""
    counter = iter(range(100, 1000))

    def grow(count: int):
        with tenant_context(office.tenant):
            lea = office.employee(office.lead)
            for _ in range(count):
                n = next(counter)
                user = make_member(office.tenant, f"p{n}@acme.test", roles=[RoleCode.EMPLOYEE])
                person = link(user, f"P-{n}", manager=lea, department=office.ops)
                person.location = WorkLocationFactory()
                person.save()
                calendar = HolidayCalendarFactory()
                calendar.locations.add(person.location)
                HolidayFactory(calendar=calendar, date=START + timedelta(days=8))
                kind = LeaveTypeFactory()
                allocate(person, kind, on=date(2031, 1, 1))
                request_leave(user, START, START + timedelta(days=2), kind)
                request_leave(
                    user,
                    START + timedelta(days=14),
                    START + timedelta(days=15),
                    kind,
                    approve=False,
                )
                BlackoutPeriodFactory(starts_on=START, ends_on=START + timedelta(days=1))

    return grow


def test_the_request_list_costs_the_same_with_2_and_8_people(office, team, client_for):
    team(2)
    client = client_for(office.tenant, office.hr)

    assert_constant(client, "/admin/leave/leaverequest/", lambda: team(6))


def test_the_filtered_and_searched_list_costs_the_same(office, team, client_for):
    team(2)
    client = client_for(office.tenant, office.boss)
    url = f"/admin/leave/leaverequest/?status=completed&department={office.ops.pk}&q=P"

    assert_constant(client, url, lambda: team(6))


def test_the_calendar_month_costs_the_same_with_2_and_8_people(office, team, client_for):
    team(2)
    client = client_for(office.tenant, office.lead)
    url = "/admin/leave/leaverequest/calendar/?year=2031&month=3"

    queries = assert_constant(client, url, lambda: team(6))
    assert queries <= 25  # the page's own reads are about ten; the rest is the workspace


def test_the_balance_page_costs_the_same_with_3_and_300_entries(office, client_for):
    with tenant_context(office.tenant):
        kind = LeaveTypeFactory()
        wes = office.employee(office.worker)

        def post(count: int):
            for n in range(count):
                entry_post(
                    employee=wes,
                    leave_type=kind,
                    kind=LedgerEntry.Kind.ADJUSTMENT,
                    amount=Decimal("0.5") if n % 2 else Decimal("-0.25"),
                    effective_on=date(2026, 1, 1) + timedelta(days=n),
                    reason=f"Correction {n}",
                )

        post(3)
    client = client_for(office.tenant, office.hr)
    url = f"/admin/leave/leaverequest/balance/{wes.pk}/?type={kind.pk}&on=2099-01-01"

    def grow():
        with tenant_context(office.tenant):
            post(297)

    assert_constant(client, url, grow)
