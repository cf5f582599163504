"""A purchase request travels the whole chain in a real browser: the requester
raises it, then the manager, revenue assurance, the CEO and the owner each
approve it from their inbox."""

from __future__ import annotations

import pytest

from modules.approvals.models import ApprovalRequest, GateAction, RequestStatus
from opsplatform.tenancy import tenant_context
from tests.conftest import PASSWORD
from tests.modules.approvals.conftest import chain  # noqa: F401  (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def switch_user(page, log_in, tenant, user):
    page.context.clear_cookies()
    log_in(tenant, user.email, PASSWORD)


def test_a_purchase_travels_from_requester_to_completed(chain, page, log_in, url_on):  # noqa: F811
    tenant = chain.tenant
    log_in(tenant, chain.requester.email, PASSWORD)

    page.get_by_role("link", name="New request").first.click()
    page.get_by_role("link", name="Purchase").first.click()
    page.fill("input[name=title]", "Workstations for the studio")
    page.fill("input[name=vendor]", "Dell")
    page.fill("input[name=lines-0-description]", "Workstation")
    page.fill("input[name=lines-0-quantity]", "4")
    page.fill("input[name=lines-0-unit_price]", "3000")
    with page.expect_navigation():
        page.get_by_test_id("save-and-submit").click()
    assert page.get_by_test_id("request-status").inner_text() == "In review"
    assert page.locator('[data-gate="Manager"]').get_attribute("data-state") == "current"
    reference = page.get_by_test_id("request-reference").inner_text()

    for approver, gate, following in [
        (chain.manager, "Manager", "Revenue Assurance"),
        (chain.ra, "Revenue Assurance", "CEO"),
        (chain.ceo, "CEO", "Owner"),
        (chain.owner, "Owner", None),
    ]:
        switch_user(page, log_in, tenant, approver)
        page.get_by_role("link", name="Inbox").first.click()
        row = page.locator(f'[data-testid="inbox-row"][data-reference="{reference}"]')
        row.get_by_role("link", name=reference).click()
        assert page.locator(f'[data-gate="{gate}"]').get_attribute("data-state") == "current"
        with page.expect_navigation():
            page.get_by_test_id("decision-form").get_by_role("button", name="Approve").click()
        if following:
            assert f"moves on to {following}" in page.content()
        else:
            assert "it is now complete" in page.content()

    switch_user(page, log_in, tenant, chain.requester)
    with tenant_context(tenant):
        request = ApprovalRequest.objects.get(title="Workstations for the studio")
        assert request.status == RequestStatus.COMPLETED
        approvers = list(
            request.log.filter(action=GateAction.APPROVED).values_list("actor__email", flat=True)
        )
    assert approvers == [chain.manager.email, chain.ra.email, chain.ceo.email, chain.owner.email]
    page.goto(url_on(tenant, f"/admin/approvals/approvalrequest/{request.pk}/change/"))
    assert page.get_by_test_id("request-status").inner_text() == "Completed"
    assert page.get_by_test_id("gate-log").inner_text().count("Approved") == 4
