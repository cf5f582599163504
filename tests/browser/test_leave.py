"""An employee requests leave in a real browser and sees what it costs and the
balance left before submitting; their manager approves it from the inbox and
sees it on the team calendar."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from modules.approvals.models import RequestStatus
from modules.leave.models import LeaveRequest, LedgerEntry
from opsplatform.tenancy import tenant_context
from tests.conftest import PASSWORD
from tests.modules.leave.requests_fixtures import *  # noqa: F403
from tests.modules.leave.requests_fixtures import monday_after

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_employee_requests_leave_and_the_manager_approves_it(office, page, log_in, url_on):
    tenant = office.tenant
    start = monday_after(7)
    log_in(tenant, office.requester.email, PASSWORD)
    page.get_by_role("link", name="Request leave").first.click()
    page.select_option("select[name=leave_type]", label="Annual leave")
    page.fill("input[name=start_date]", start.isoformat())
    page.fill("input[name=end_date]", (start + timedelta(days=2)).isoformat())
    page.locator("input[name=end_date]").dispatch_event("change")
    cost = page.get_by_test_id("preview-cost")
    cost.filter(has_text="3 days").wait_for()
    assert page.get_by_test_id("preview-balance-after").inner_text() == "17 days"
    assert "Mark" in page.get_by_test_id("leave-preview").inner_text()  # the route, with names
    with page.expect_navigation():
        page.get_by_test_id("leave-submit").dblclick()  # a double click submits once
    assert page.get_by_test_id("request-status").inner_text() == "In review"
    reference = page.get_by_test_id("request-reference").inner_text()

    page.context.clear_cookies()
    log_in(tenant, office.manager.email, PASSWORD)
    page.get_by_role("link", name="Inbox").first.click()
    row = page.locator(f'[data-testid="inbox-row"][data-reference="{reference}"]')
    assert "3 days" in row.inner_text()
    row.get_by_role("link", name=reference).click()
    with page.expect_navigation():
        page.get_by_test_id("decision-form").get_by_role("button", name="Approve").click()
    assert "it is now complete" in page.content()

    page.goto(
        url_on(tenant, f"/admin/leave/leaverequest/calendar/?year={start.year}&month={start.month}")
    )
    with tenant_context(tenant):
        requester = LeaveRequest.objects.get().employee_id
    row = page.locator(f'tr[data-employee="{requester}"]')
    expect(row.locator(f'td[data-day="{start:%Y-%m-%d}"]')).to_have_attribute(
        "data-status", "approved"
    )

    with tenant_context(tenant):
        leave = LeaveRequest.objects.select_related("approval").get()
        assert leave.approval.status == RequestStatus.COMPLETED
        assert LedgerEntry.objects.filter(request=leave, kind="use").get().amount == -3
