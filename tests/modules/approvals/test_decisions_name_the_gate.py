"""A decision carries the gate the person saw. Without it, it is refused as out
of date and nothing changes: the owner, also the CEO's deputy, once moved a
request through two gates with one double submit that named no gate."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse

from modules.approvals import services
from modules.approvals.models import Delegation, GateAction, StepStatus
from opsplatform.tenancy import tenant_context
from tenants.models import Membership

from .conftest import decide, gate_of, purchase

pytestmark = pytest.mark.django_db

OUT_OF_DATE = "This form is out of date"


def at_ceo_gate(chain):
    """A large purchase waiting at the CEO gate, the owner being the CEO's deputy."""
    with tenant_context(chain.tenant):
        request = purchase(chain.requester, total=25000)
        services.request_submit(request_id=request.pk, user=chain.requester)
        decide(request, chain.manager)
        decide(request, chain.ra)
        assert request.steps.get(status=StepStatus.CURRENT).name == "CEO"
        Delegation.objects.create(
            principal=Membership.objects.get(user=chain.ceo),
            deputy=Membership.objects.get(user=chain.owner),
            starts_on=date.today(),
            ends_on=date.today() + timedelta(days=7),
        )
    return request


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def test_a_double_submit_without_the_gate_moves_nothing(chain, client_for):
    request = at_ceo_gate(chain)
    client = client_for(chain.tenant, chain.owner)
    url = reverse("admin:approvals_request_decide", args=[request.pk])

    first = client.post(url, {"decision": "approve"}, follow=True)
    second = client.post(url, {"decision": "approve"}, follow=True)

    for response in (first, second):
        assert any(OUT_OF_DATE in m for m in messages_of(response))
    with tenant_context(chain.tenant):
        assert request.steps.get(status=StepStatus.CURRENT).name == "CEO"
        assert request.log.filter(action=GateAction.APPROVED).count() == 2  # manager, RA


def test_the_same_double_submit_naming_the_gate_decides_once(chain, client_for):
    request = at_ceo_gate(chain)
    with tenant_context(chain.tenant):
        seen = gate_of(request)
    client = client_for(chain.tenant, chain.owner)
    url = reverse("admin:approvals_request_decide", args=[request.pk])

    client.post(url, {"decision": "approve", "step": seen})
    second = client.post(url, {"decision": "approve", "step": seen}, follow=True)

    assert any("Already decided" in m for m in messages_of(second))
    with tenant_context(chain.tenant):
        # The CEO gate was approved on the CEO's behalf; the owner's own gate still waits.
        assert request.steps.get(status=StepStatus.CURRENT).name == "Owner"
        assert request.log.filter(action=GateAction.APPROVED).count() == 3


def test_the_service_refuses_a_decision_without_a_gate(in_acme):
    request = purchase(in_acme.requester)
    services.request_submit(request_id=request.pk, user=in_acme.requester)

    with pytest.raises(services.Refused, match=OUT_OF_DATE):
        services.request_decide(request_id=request.pk, user=in_acme.manager, decision="approve")

    assert request.steps.get(status=StepStatus.CURRENT).name == "Manager"
    assert not request.log.filter(action=GateAction.APPROVED).exists()


def test_bulk_approve_refuses_rows_without_their_gate(chain, client_for):
    with tenant_context(chain.tenant):
        request = purchase(chain.requester)
        services.request_submit(request_id=request.pk, user=chain.requester)
    client = client_for(chain.tenant, chain.manager)

    response = client.post(
        reverse("admin:approvals_inbox_bulk_approve"), {"request": [str(request.pk)]}, follow=True
    )

    assert any(OUT_OF_DATE in m for m in messages_of(response))
    with tenant_context(chain.tenant):
        assert request.steps.get(status=StepStatus.CURRENT).name == "Manager"
        results = services.requests_approve(items=[request.pk], user=chain.manager)
        assert results == [(request.pk, False, results[0][2])]
        assert OUT_OF_DATE in results[0][2]
        assert request.steps.get(status=StepStatus.CURRENT).name == "Manager"
