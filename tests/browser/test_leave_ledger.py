"""HR adjusts a balance in a real browser: from the ledger, "Adjust a balance",
the person found by searching, and the new entry on the list."""

from __future__ import annotations

from decimal import Decimal

import pytest

from modules.leave.models import LedgerEntry
from opsplatform.tenancy import tenant_context
from tenants.roles import RoleCode
from tests.conftest import PASSWORD
from tests.modules.employees.factories import EmployeeFactory
from tests.modules.leave.factories import LeaveTypeFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_hr_adjusts_a_balance_from_the_ledger(tenant_a, make_member, page, log_in):
    hr = make_member(tenant_a, "hr@acme.test", roles=[RoleCode.HR])
    with tenant_context(tenant_a):
        EmployeeFactory(first_name="Rita", last_name="Requester")
        LeaveTypeFactory(name="Annual leave")
    log_in(tenant_a, hr.email, PASSWORD)

    page.get_by_role("link", name="Balance ledger").first.click()
    page.get_by_role("link", name="Adjust a balance").first.click()
    form = page.get_by_test_id("adjust-form")
    form.locator(".select2-selection").first.click()
    page.locator(".select2-search__field").fill("Rita")
    page.locator(".select2-results__option", has_text="Rita Requester").click()
    form.locator("select[name=leave_type]").select_option(label="Annual leave")
    form.locator("input[name=amount]").fill("2.5")
    form.locator("input[name=reason]").fill("Worked the public holiday")
    with page.expect_navigation():
        form.get_by_role("button", name="Adjust the balance").click()

    assert "Annual leave balance was adjusted by 2.50" in page.content()
    assert page.get_by_text("Worked the public holiday").count() == 1
    with tenant_context(tenant_a):
        entry = LedgerEntry.objects.get()
        assert (entry.kind, entry.amount, entry.created_by) == ("adjustment", Decimal("2.5"), hr)
