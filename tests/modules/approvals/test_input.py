"""Hostile numbers on the request form: a total that would overflow its column is a
form error on the field typed, and a zero or negative amount cannot be submitted."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from modules.approvals import services
from modules.approvals.models import ApprovalRequest, RequestStatus
from opsplatform.tenancy import tenant_context

from .conftest import purchase

URLCONF = "opsplatform.urls.tenant"
ADD = reverse("admin:approvals_approvalrequest_add", urlconf=URLCONF)
LINES = {
    "lines-TOTAL_FORMS": "1",
    "lines-INITIAL_FORMS": "0",
    "lines-MIN_NUM_FORMS": "0",
    "lines-MAX_NUM_FORMS": "1000",
}


def _count(chain) -> int:
    with tenant_context(chain.tenant):
        return ApprovalRequest.objects.count()


def test_lines_whose_total_overflows_the_amount_are_a_form_error(chain, client_for):
    before = _count(chain)
    response = client_for(chain.tenant, chain.requester).post(
        ADD + "?kind=purchase",
        {
            "title": "Everything",
            "vendor": "Acme Supplies",
            **LINES,
            "lines-0-description": "Servers",
            "lines-0-quantity": "9999999999",  # fits its column (12 digits)
            "lines-0-unit_price": "999999999999",  # fits its column (14 digits)
        },
    )
    assert response.status_code == 200
    assert "the largest amount a request can carry" in response.content.decode()
    assert _count(chain) == before


def test_a_monthly_cost_times_its_term_that_overflows_is_a_form_error(chain, client_for):
    before = _count(chain)
    response = client_for(chain.tenant, chain.requester).post(
        ADD + "?kind=vas",
        {
            "title": "Hosting",
            "service": "Hosting",
            "provider": "Cloud",
            "monthly_cost": "999999999999",
            "start_date": "2027-01-01",
            "term_months": "36",
        },
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "the largest amount a request can carry" in " ".join(errors["monthly_cost"])
    assert _count(chain) == before


def test_a_request_worth_nothing_cannot_be_submitted(in_acme):
    request = purchase(in_acme.requester, total=0)
    with pytest.raises(ValidationError, match="more than zero") as refusal:
        services.request_submit(request_id=request.pk, user=in_acme.requester)
    assert "vendor" in refusal.value.message_dict
    request.refresh_from_db()
    assert request.status == RequestStatus.DRAFT


def test_submitting_a_zero_asset_from_the_page_says_why(chain, client_for):
    with tenant_context(chain.tenant):
        request = services.request_create(
            user=chain.requester,
            kind="asset",
            title="Free chair",
            asset_category="Furniture",
            specification="Chair",
            quantity=1,
            estimated_cost=Decimal("0"),
            reason="Back pain",
        )
    client = client_for(chain.tenant, chain.requester)
    response = client.post(
        reverse("admin:approvals_request_submit", args=[request.pk], urlconf=URLCONF), follow=True
    )
    shown = [str(m) for m in response.context["messages"]]
    assert any("more than zero" in message for message in shown), shown
    with tenant_context(chain.tenant):
        assert ApprovalRequest.objects.get(pk=request.pk).status == RequestStatus.DRAFT
