"""A manager opens the team calendar in a real browser: leave approved through
the approvals engine is in the right cell, in its type's colour; pending leave
is striped apart from it; the same page in Arabic reads right to left."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from opsplatform.tenancy import tenant_context
from tests.conftest import PASSWORD
from tests.modules.leave.conftest import office  # noqa: F401  (fixture)
from tests.modules.leave.factories import LeaveTypeFactory
from tests.modules.leave.screens import allocate, request_leave

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MONDAY = date(2031, 3, 3)
CALENDAR = "/admin/leave/leaverequest/calendar/?year=2031&month=3"


def test_approved_leave_shows_in_its_cell_and_colour(office, page, log_in, url_on):  # noqa: F811
    with tenant_context(office.tenant):
        annual = LeaveTypeFactory(name="Annual leave", code="annual", colour="#16a34a")
        wes = office.employee(office.worker)
        allocate(wes, annual, on=date(2031, 1, 1))
        request_leave(office.worker, MONDAY, MONDAY + timedelta(days=1), annual)
        request_leave(office.worker, date(2031, 3, 17), date(2031, 3, 17), annual, approve=False)

    log_in(office.tenant, office.lead.email, PASSWORD)
    page.goto(url_on(office.tenant, CALENDAR))

    row = page.locator(f'tr[data-employee="{wes.pk}"]')
    expect(row.locator("th")).to_have_text("Wes E-4")
    first = row.locator(f'td[data-day="{MONDAY:%Y-%m-%d}"]')
    expect(first).to_have_attribute("data-status", "approved")
    expect(first).to_have_css("background-color", "rgb(22, 163, 74)")
    expect(row.locator('td[data-day="2031-03-05"]')).not_to_have_attribute(
        "data-status", "approved"
    )
    pending = row.locator('td[data-day="2031-03-17"]')
    expect(pending).to_have_attribute("data-status", "pending")
    expect(pending).to_have_css("outline-style", "dashed")

    page.context.add_cookies(
        [{"name": "django_language", "value": "ar", "url": url_on(office.tenant, "/")}]
    )
    page.goto(url_on(office.tenant, CALENDAR))
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    person, monday = (
        page.locator(f'tr[data-employee="{wes.pk}"] th').bounding_box(),
        page.locator(
            f'tr[data-employee="{wes.pk}"] td[data-day="{MONDAY:%Y-%m-%d}"]'
        ).bounding_box(),
    )
    assert monday["x"] < person["x"]  # names on the right, days running leftwards
