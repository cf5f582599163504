"""The billing page through the real adapter, Stripe answered by the stub at the SDK's
HTTP-client seam (tests/opsplatform/billing/stripe_stub.py): the owner previews an
upgrade, sees Stripe's figures, confirms, and the page shows the new plan."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.opsplatform.billing import stripe_stub as s

pytestmark = pytest.mark.django_db


@pytest.fixture
def stub(settings):
    with s.installed(settings) as found:
        yield found


@pytest.fixture
def paying(tenant_a, stub):
    plans = s.make_plans()
    row = s.on_stripe(tenant_a, plans["starter"])
    stub.subscriptions[row.stripe_subscription] = s.subscription(
        id=row.stripe_subscription, customer=row.stripe_customer, price=s.STARTER_MONTH
    )
    return row


def test_preview_then_change_through_the_adapter(stub, paying, owner_a, client_for):
    client = client_for(paying.tenant, owner_a)
    preview = client.get(reverse("admin:billing_change"), {"plan": "growth", "interval": "month"})
    assert preview.status_code == 200
    html = preview.content.decode()
    # The stub's preview within the month: -15.00 + 33.00 of proration on the next
    # invoice (the pending invoice item is not), whose total is 77.00.
    assert 'Added to your next invoice</dt><dd data-testid="proration">18.00 USD<' in html
    assert 'data-testid="next-invoice">77.00 USD' in html
    assert "Charged now" not in html

    client.post(reverse("admin:billing_change"), {"plan": "growth", "interval": "month"})
    assert stub.last("POST", f"/v1/subscriptions/{paying.stripe_subscription}") is not None
    page = client.get(reverse("admin:billing")).content.decode()
    assert 'data-testid="plan-name">Growth<' in page


def test_an_interval_change_is_previewed_as_charged_now(stub, paying, owner_a, client_for):
    stub.preview_lines = s.TO_GROWTH_YEARLY
    client = client_for(paying.tenant, owner_a)
    html = client.get(
        reverse("admin:billing_change"), {"plan": "growth", "interval": "year"}
    ).content.decode()
    # A new period starts: the whole previewed invoice is charged now.
    assert 'Charged now</dt><dd data-testid="due-now">490.50 USD<' in html
    assert "next invoice" not in html.lower()


def test_a_company_without_a_row_is_not_sent_to_checkout(stub, tenant_a, owner_a, client_for):
    s.make_plans()
    client = client_for(tenant_a, owner_a)
    assert 'data-testid="subscribe-' not in client.get(reverse("admin:billing")).content.decode()
    response = client.post(
        reverse("admin:billing_checkout"), {"plan": "growth", "interval": "month"}, follow=True
    )
    assert "no plan yet" in response.content.decode()
    assert stub.requests == []
