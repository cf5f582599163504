"""The owner's billing in Chromium (issue 13): the usage meter and a module the
plan lacks, locked in the sidebar; an upgrade previewed with Stripe's figures;
then a webhook from Stripe (signed, through the real endpoint) moves the
company to the new plan, and the page and the sidebar show it.

Stripe is the stub at the SDK's HTTP-client seam (tests/opsplatform/billing/
stripe_stub.py): the live server runs in this process, so the real adapter
and the real SDK answer the browser's requests without the network.
"""

from __future__ import annotations

import pytest
from django.test import Client
from playwright.sync_api import expect

from opsplatform.billing.services import plans_load
from opsplatform.tenancy import tenant_context
from tenants.models import Membership
from tests.conftest import PASSWORD
from tests.opsplatform.billing import stripe_stub as s

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_owner_sees_usage_and_a_lock_previews_an_upgrade_and_a_webhook_moves_the_plan(
    settings, tenant_a, owner_a, make_member, page, url_on, log_in
):
    with s.installed(settings) as stub:
        plans = s.make_plans()
        # Seats capped at 3 on Starter (Growth: 50); projects only from Growth (with
        # the employees and approvals it needs, which both plans have).
        base = ["employees", "approvals", "leave"]
        plans_load(
            [
                {"code": "starter", "features": base, "limits": {"tenants.members": 3}},
                {
                    "code": "growth",
                    "features": [*base, "projects"],
                    "limits": {"tenants.members": 50},
                },
            ]
        )
        make_member(tenant_a, "erin@acme.test")
        with tenant_context(tenant_a):
            seats = Membership.objects.filter(status=Membership.Status.ACTIVE).count()
        row = s.on_stripe(tenant_a, plans["starter"])
        stub.subscriptions[row.stripe_subscription] = s.subscription(
            id=row.stripe_subscription, customer=row.stripe_customer, price=s.STARTER_MONTH
        )

        log_in(tenant_a, owner_a.email, PASSWORD)
        page.goto(url_on(tenant_a, "/admin/billing/"))
        expect(page.get_by_test_id("plan-name")).to_have_text("Starter")
        expect(page.get_by_test_id("meter-tenants.members")).to_contain_text(f"{seats} of 3")
        # Projects is in the sidebar, locked; following it leads to the plan that has it.
        locked = page.locator("[data-locked-feature=projects]").first
        expect(locked).to_be_visible()
        locked.click()
        expect(page.get_by_test_id("upgrade-plan")).to_have_text("The Growth plan includes it.")
        page.get_by_test_id("upgrade-link").click()

        page.get_by_test_id("change-growth-month").click()
        # Stripe's prorated preview, as the stub's invoice preview answers it: within
        # the month the proration is added to the next invoice, nothing is charged now.
        expect(page.get_by_text("Added to your next invoice", exact=True)).to_be_visible()
        expect(page.get_by_test_id("proration")).to_have_text("18.00 USD")
        expect(page.get_by_test_id("next-invoice")).to_contain_text("77.00 USD")
        expect(page.get_by_text("Charged now", exact=True)).to_have_count(0)
        assert stub.last("POST", "/v1/invoices/create_preview") is not None

        # The change is made in Stripe (the portal, say); its webhook reaches the
        # endpoint signed, and the next page shows the new plan.
        moved = s.subscription(
            id=row.stripe_subscription, customer=row.stripe_customer, price=s.GROWTH_MONTH
        )
        answer = s.post_event(
            Client(HTTP_HOST="localhost"), s.event("customer.subscription.updated", moved)
        )
        assert answer.status_code == 200

        page.goto(url_on(tenant_a, "/admin/billing/"))
        expect(page.get_by_test_id("plan-name")).to_have_text("Growth")
        expect(page.get_by_test_id("meter-tenants.members")).to_contain_text(f"{seats} of 50")
        expect(page.locator("[data-locked-feature=projects]")).to_have_count(0)
