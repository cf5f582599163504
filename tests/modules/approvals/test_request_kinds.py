"""Request kinds registered by a module: a throwaway kind (tests/approvals_kind, the
worked example of docs/approvals.md) travels a route end to end with its hooks
inside the decision's transaction, and the money kinds keep their own fields."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from modules.approvals import services
from modules.approvals.models import GateAction, RequestStatus, StepStatus
from opsplatform.tenancy import tenant_context
from tests.approvals_kind.models import Errand

from .conftest import decide, gate_of, purchase
from .test_admin import URLCONF, messages_of, url

pytestmark = pytest.mark.django_db


def errand(chain, destination="the post office", cost="20"):
    approval = services.request_create(
        user=chain.requester,
        kind="errand",
        title=f"Errand to {destination}",
        destination=destination,
        cost=Decimal(cost),
    )
    services.request_submit(request_id=approval.pk, user=chain.requester)
    return approval


def test_a_kind_registered_by_a_module_travels_its_route_to_completion(in_acme):
    approval = errand(in_acme)
    approval.refresh_from_db()
    assert approval.reference.startswith("ERR-")
    assert approval.amount == Decimal("20.00")
    assert approval.steps.get(status=StepStatus.CURRENT).name == "Manager"
    assert Errand.objects.get(approval=approval).events == ["submitted"]

    decide(approval, in_acme.manager)

    approval.refresh_from_db()
    assert approval.status == RequestStatus.COMPLETED
    subject = Errand.objects.get(approval=approval)
    assert subject.events == ["submitted", "completed"]
    assert subject.done


def test_a_hook_that_refuses_leaves_the_request_at_its_gate(chain, client_for):
    with tenant_context(chain.tenant):
        approval = errand(chain, destination="the moon")
        gate = gate_of(approval)

    response = client_for(chain.tenant, chain.manager).post(
        url("approvals_request_decide", approval.pk),
        {"decision": "approve", "step": gate},
        follow=True,
    )

    assert response.status_code == 200
    assert "Nobody can run an errand to the moon." in messages_of(response)
    with tenant_context(chain.tenant):
        approval.refresh_from_db()
        assert approval.status == RequestStatus.IN_REVIEW
        assert gate_of(approval) == gate
        assert not approval.log.filter(action=GateAction.APPROVED).exists()
        # The hook's own write before it refused went with the decision.
        subject = Errand.objects.get(approval=approval)
        assert subject.events == ["submitted"] and not subject.done


def test_bulk_approve_reports_a_refusing_hook_and_approves_the_rest(in_acme):
    moon = errand(in_acme, destination="the moon")
    post = errand(in_acme)

    results = services.requests_approve(
        items=[(moon.pk, gate_of(moon)), (post.pk, gate_of(post))], user=in_acme.manager
    )

    assert [(pk, ok) for pk, ok, _message in results] == [(moon.pk, False), (post.pk, True)]
    assert results[0][2] == "Nobody can run an errand to the moon."
    moon.refresh_from_db()
    post.refresh_from_db()
    assert (moon.status, post.status) == (RequestStatus.IN_REVIEW, RequestStatus.COMPLETED)


@pytest.mark.parametrize(
    "move, event",
    [("reject", "rejected"), ("return", "returned"), ("cancel", "cancelled")],
)
def test_the_kind_hears_every_end_of_a_decision(in_acme, move, event):
    approval = errand(in_acme)
    if move == "cancel":
        services.request_cancel(request_id=approval.pk, user=in_acme.requester)
    else:
        decide(approval, in_acme.manager, move, comment="Not this week")
    assert Errand.objects.get(approval=approval).events == ["submitted", event]


def test_the_new_kind_is_offered_with_its_own_fields(chain, client_for):
    client = client_for(chain.tenant, chain.requester)
    chooser = client.get(url("approvals_approvalrequest_add")).content.decode()
    assert "Errand" in chooser and "?kind=errand" in chooser
    form = client.get(url("approvals_approvalrequest_add") + "?kind=errand").content.decode()
    assert 'name="destination"' in form and 'name="payee"' not in form

    response = client.post(
        url("approvals_approvalrequest_add") + "?kind=errand",
        {"title": "Stamps", "description": "", "destination": "the post office", "cost": "12"},
    )

    assert response.status_code == 302
    with tenant_context(chain.tenant):
        subject = Errand.objects.get(destination="the post office")
        assert subject.approval.amount == Decimal("12.00")


def test_a_reviewer_reads_a_payments_own_fields(chain, client_for):
    with tenant_context(chain.tenant):
        approval = services.request_create(
            user=chain.requester,
            kind="payment",
            title="Consultant",
            payee="Smith Consulting",
            payment_amount=Decimal("900"),
            due_date="2027-01-15",
        )
    body = (
        client_for(chain.tenant, chain.owner)
        .get(url("approvals_approvalrequest_change", approval.pk))
        .content.decode()
    )
    assert "Smith Consulting" in body and 'name="payee"' not in body


def test_the_request_export_has_each_kinds_columns_without_a_query_per_row(chain, client_for):
    client = client_for(chain.tenant, chain.owner)

    def export():
        response = client.post(
            url("approvals_approvalrequest_export"), {"format": "0", "export_items": []}
        )
        return response.content.decode()

    with tenant_context(chain.tenant):
        purchase(chain.requester, title="Laptops")
        services.request_create(
            user=chain.requester, kind="payment", title="Consultant", payee="Smith Consulting"
        )
    export()
    with CaptureQueriesContext(connection) as few:
        body = export()
    header = body.splitlines()[0].split(",")
    assert {"payee", "vendor", "seats", "destination"} <= set(header)
    assert "Smith Consulting" in body and "Dell" in body
    with tenant_context(chain.tenant):
        for index in range(5):
            purchase(chain.requester, title=f"More {index}")
    with CaptureQueriesContext(connection) as many:
        export()
    assert len(many.captured_queries) == len(few.captured_queries)


def test_an_invoice_upload_streams_against_the_invoices_own_limit(chain):
    from django.test import RequestFactory
    from django.urls import resolve, reverse

    from modules.approvals.kinds.payment import PaymentDetails
    from opsplatform.files.uploads import limit_for

    path = reverse("admin:approvals_approvalrequest_add", urlconf=URLCONF)
    request = RequestFactory().post(path)
    request.resolver_match = resolve(path, urlconf=URLCONF)
    assert limit_for(request, "invoice") == PaymentDetails._meta.get_field("invoice").max_size
