"""The approval screens: new request by kind, the request page, decisions by POST,
the inbox (oldest first, bulk approve, query count), routes and deputies."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse

from modules.approvals import services
from modules.approvals.models import (
    ApprovalRequest,
    Delegation,
    GateAction,
    RequestStatus,
    StepStatus,
)
from opsplatform.tenancy import tenant_context
from tenants.models import Membership

from .conftest import decide, gate_of, purchase

URLCONF = "opsplatform.urls.tenant"


def url(name, *args):
    return reverse(f"admin:{name}", args=args, urlconf=URLCONF)


def submitted(chain, **kwargs):
    with tenant_context(chain.tenant):
        request = purchase(chain.requester, **kwargs)
        services.request_submit(request_id=request.pk, user=chain.requester)
        return request


def messages_of(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


def test_new_request_starts_with_a_choice_of_kind(chain, client_for):
    response = client_for(chain.tenant, chain.requester).get(url("approvals_approvalrequest_add"))
    assert response.status_code == 200
    body = response.content.decode()
    for label in ["Payment", "Value-added service", "Asset", "Purchase", "Subscription"]:
        assert label in body
    assert "?kind=purchase" in body


def test_each_kind_shows_its_own_fields(chain, client_for):
    client = client_for(chain.tenant, chain.requester)
    payment = client.get(url("approvals_approvalrequest_add") + "?kind=payment").content.decode()
    assert 'name="payee"' in payment and 'name="vendor"' not in payment
    sub = client.get(url("approvals_approvalrequest_add") + "?kind=subscription").content.decode()
    assert 'name="seats"' in sub and 'name="payee"' not in sub
    purchase_form = client.get(
        url("approvals_approvalrequest_add") + "?kind=purchase"
    ).content.decode()
    assert 'name="lines-0-unit_price"' in purchase_form


def test_a_purchase_with_lines_is_saved_as_a_draft_with_its_total_and_route(chain, client_for):
    client = client_for(chain.tenant, chain.requester)
    response = client.post(
        url("approvals_approvalrequest_add") + "?kind=purchase",
        {
            "title": "Monitors",
            "description": "For the new hires",
            "vendor": "LG",
            "lines-TOTAL_FORMS": "2",
            "lines-INITIAL_FORMS": "0",
            "lines-MIN_NUM_FORMS": "0",
            "lines-MAX_NUM_FORMS": "1000",
            "lines-0-description": "27-inch monitor",
            "lines-0-quantity": "4",
            "lines-0-unit_price": "300",
            "lines-1-description": "Cable",
            "lines-1-quantity": "4",
            "lines-1-unit_price": "12.50",
        },
        follow=True,
    )
    assert response.status_code == 200
    with tenant_context(chain.tenant):
        request = ApprovalRequest.objects.get(title="Monitors")
        assert (request.kind, request.status, str(request.amount)) == (
            "purchase",
            "draft",
            "1250.00",
        )
    body = response.content.decode()
    assert "Route this request will take" in body
    assert "Mark" in body  # the manager named in the preview


def test_submit_from_the_page_then_the_manager_approves_from_the_page(chain, client_for):
    with tenant_context(chain.tenant):
        request = purchase(chain.requester)
    requester = client_for(chain.tenant, chain.requester)
    response = requester.post(url("approvals_request_submit", request.pk), follow=True)
    assert f"{request.reference} submitted." in messages_of(response)

    manager = client_for(chain.tenant, chain.manager)
    page = manager.get(url("approvals_approvalrequest_change", request.pk))
    assert page.status_code == 200
    assert 'data-testid="decision-form"' in page.content.decode()
    step = page.context["current_gate"]
    response = manager.post(
        url("approvals_request_decide", request.pk),
        {"decision": "approve", "step": step.pk},
        follow=True,
    )
    assert any("moves on to Revenue Assurance" in m for m in messages_of(response))
    # The same form posted again (a double click) changes nothing and says why.
    response = manager.post(
        url("approvals_request_decide", request.pk),
        {"decision": "approve", "step": step.pk},
        follow=True,
    )
    assert any("Already decided: Mark approved" in m for m in messages_of(response))
    with tenant_context(chain.tenant):
        assert request.log.filter(action=GateAction.APPROVED).count() == 1


def test_a_forged_post_for_a_gate_that_is_not_yours_changes_nothing(chain, client_for):
    request = submitted(chain)
    with tenant_context(chain.tenant):
        gate = gate_of(request)
    response = client_for(chain.tenant, chain.ceo).post(
        url("approvals_request_decide", request.pk),
        {"decision": "approve", "step": gate},
        follow=True,
    )
    assert any("not yours to decide" in m for m in messages_of(response))
    with tenant_context(chain.tenant):
        assert request.steps.get(status=StepStatus.CURRENT).name == "Manager"


def test_reject_without_a_comment_is_refused(chain, client_for):
    request = submitted(chain)
    with tenant_context(chain.tenant):
        gate = gate_of(request)
    response = client_for(chain.tenant, chain.manager).post(
        url("approvals_request_decide", request.pk),
        {"decision": "reject", "comment": "", "step": gate},
        follow=True,
    )
    assert any("comment" in m for m in messages_of(response))
    with tenant_context(chain.tenant):
        request.refresh_from_db()
        assert request.status == RequestStatus.IN_REVIEW


def test_another_companys_request_is_not_found(chain, tenant_b, owner_b, client_for):
    with tenant_context(tenant_b):
        services.routes_ensure_defaults()
        theirs = purchase(owner_b)
    client = client_for(chain.tenant, chain.owner)
    for name in (
        "approvals_request_decide",
        "approvals_request_submit",
        "approvals_request_cancel",
        "approvals_request_comment",
    ):
        assert (
            client.post(url(name, theirs.pk), {"decision": "approve", "body": "x"}).status_code
            == 404
        )
    assert client.get(url("approvals_approvalrequest_change", theirs.pk)).status_code == 404


def test_a_colleague_outside_the_chain_does_not_see_the_request(chain, make_member, client_for):
    outsider = make_member(chain.tenant, "olga@acme.test")
    request = submitted(chain)
    client = client_for(chain.tenant, outsider)
    assert client.get(url("approvals_approvalrequest_change", request.pk)).status_code == 404
    assert (
        client.post(
            url("approvals_request_decide", request.pk), {"decision": "approve"}
        ).status_code
        == 404
    )


def test_inbox_lists_what_awaits_me_oldest_first(chain, client_for):
    first = submitted(chain, title="First")
    second = submitted(chain, title="Second")
    response = client_for(chain.tenant, chain.manager).get(url("approvals_inbox"))
    body = response.content.decode()
    assert body.index(first.reference) < body.index(second.reference)
    assert "2 requests await your decision" in body
    # The requester's own inbox is empty.
    mine = client_for(chain.tenant, chain.requester).get(url("approvals_inbox")).content.decode()
    assert "Nothing awaits your decision." in mine


def test_inbox_count_for_the_sidebar(chain, client_for):
    submitted(chain)
    response = client_for(chain.tenant, chain.manager).get(url("approvals_inbox_count"))
    assert response.json() == {"count": 1}


def test_bulk_approve_from_the_inbox(chain, client_for):
    requests = [submitted(chain, title=f"R{i}") for i in range(3)]
    with tenant_context(chain.tenant):
        rows = [f"{r.pk}:{gate_of(r)}" for r in requests]
    response = client_for(chain.tenant, chain.manager).post(
        url("approvals_inbox_bulk_approve"), {"request": rows}, follow=True
    )
    shown = messages_of(response)
    assert sum("moves on to Revenue Assurance" in m for m in shown) == 3


def test_bulk_approve_refuses_a_row_that_moved_on_since_the_page_was_drawn(chain, client_for):
    request = submitted(chain)
    with tenant_context(chain.tenant):
        seen = request.steps.get(name="Manager").pk
        decide(request, chain.manager, "approve")
    response = client_for(chain.tenant, chain.manager).post(
        url("approvals_inbox_bulk_approve"), {"request": [f"{request.pk}:{seen}"]}, follow=True
    )
    assert any("Already decided: Mark approved" in m for m in messages_of(response))


def test_inbox_queries_do_not_grow_with_rows(chain, client_for, django_assert_max_num_queries):
    client = client_for(chain.tenant, chain.manager)
    submitted(chain)
    client.get(url("approvals_inbox"))  # warm caches (sessions, content types)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(url("approvals_inbox"))
    for index in range(10):
        submitted(chain, title=f"More {index}")
    client.get(url("approvals_inbox"))  # the new gates forgot the cached inbox count
    with CaptureQueriesContext(connection) as many:
        response = client.get(url("approvals_inbox"))
    assert response.content.decode().count('data-testid="inbox-row"') == 11
    assert len(many.captured_queries) == len(few.captured_queries)


def test_request_list_queries_do_not_grow_with_rows(chain, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(chain.tenant, chain.owner)
    submitted(chain)
    client.get(url("approvals_approvalrequest_changelist"))
    with CaptureQueriesContext(connection) as few:
        client.get(url("approvals_approvalrequest_changelist"))
    for index in range(10):
        submitted(chain, title=f"More {index}")
    client.get(url("approvals_approvalrequest_changelist"))  # the new gates forgot the inbox count
    with CaptureQueriesContext(connection) as many:
        client.get(url("approvals_approvalrequest_changelist"))
    assert len(many.captured_queries) == len(few.captured_queries)


def test_stuck_filter_shows_requests_past_their_sla(chain, client_for):
    late = submitted(chain, title="Late one")
    submitted(chain, title="On time")
    from django.utils import timezone

    with tenant_context(chain.tenant):
        late.steps.filter(status=StepStatus.CURRENT).update(
            due_at=timezone.now() - timedelta(hours=1)
        )
    body = (
        client_for(chain.tenant, chain.owner)
        .get(url("approvals_approvalrequest_changelist") + "?stuck=yes")
        .content.decode()
    )
    assert "Late one" in body and "On time" not in body


def test_only_owners_edit_routes(chain, client_for):
    assert (
        client_for(chain.tenant, chain.owner).get(url("approvals_route_changelist")).status_code
        == 200
    )
    assert (
        client_for(chain.tenant, chain.manager).get(url("approvals_route_changelist")).status_code
        == 403
    )


def test_a_person_sets_their_own_deputy(chain, client_for):
    client = client_for(chain.tenant, chain.manager)
    with tenant_context(chain.tenant):
        deputy = Membership.objects.get(user=chain.director)
    response = client.post(
        url("approvals_delegation_add"),
        {
            "deputy": deputy.pk,
            "starts_on": date.today().isoformat(),
            "ends_on": (date.today() + timedelta(days=7)).isoformat(),
            "note": "Holiday",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    with tenant_context(chain.tenant):
        delegation = Delegation.objects.get()
        assert delegation.principal.user == chain.manager


@pytest.mark.parametrize("who", ["requester", "manager"])
def test_request_page_shows_the_tracker_and_gate_log(chain, client_for, who):
    request = submitted(chain)
    body = (
        client_for(chain.tenant, getattr(chain, who))
        .get(url("approvals_approvalrequest_change", request.pk))
        .content.decode()
    )
    assert 'data-testid="tracker"' in body
    assert 'data-gate="Manager" data-state="current"' in body
    assert 'data-testid="gate-log"' in body


def test_the_gate_log_and_the_request_history_read_the_log_itself(chain, client_for):
    # The gate log has no history table of its own (docs/audit.md): its page
    # section and the request's history read the log and the request's history.
    request = submitted(chain)
    with tenant_context(chain.tenant):
        decide(request, chain.manager, comment="Fine by me")
    client = client_for(chain.tenant, chain.requester)
    page = client.get(url("approvals_approvalrequest_change", request.pk)).content.decode()
    assert 'data-testid="gate-log"' in page
    assert "Fine by me" in page
    history = client.get(url("approvals_approvalrequest_history", request.pk))
    assert history.status_code == 200


def test_a_reviewer_reads_the_lines_but_cannot_change_them(chain, client_for):
    request = submitted(chain)
    body = (
        client_for(chain.tenant, chain.manager)
        .get(url("approvals_approvalrequest_change", request.pk))
        .content.decode()
    )
    assert 'name="lines-0-unit_price"' not in body
    assert 'name="title"' not in body


def test_save_and_submit_from_the_add_form(chain, client_for):
    client = client_for(chain.tenant, chain.requester)
    response = client.post(
        url("approvals_approvalrequest_add") + "?kind=asset",
        {
            "title": "Van",
            "asset_category": "Vehicles",
            "specification": "Electric",
            "quantity": "1",
            "estimated_cost": "42000",
            "reason": "Old one broke",
            "_submit": "1",
        },
        follow=True,
    )
    with tenant_context(chain.tenant):
        request = ApprovalRequest.objects.get(title="Van")
        assert request.status == RequestStatus.IN_REVIEW
    assert f"{request.reference} submitted." in messages_of(response)


def test_submitting_an_incomplete_request_says_what_is_missing(chain, client_for):
    client = client_for(chain.tenant, chain.requester)
    response = client.post(
        url("approvals_approvalrequest_add") + "?kind=payment",
        {"title": "Pay someone", "_submit": "1"},
        follow=True,
    )
    shown = " ".join(messages_of(response))
    assert "Not submitted" in shown and "payee" in shown
    with tenant_context(chain.tenant):
        assert ApprovalRequest.objects.get(title="Pay someone").status == RequestStatus.DRAFT


def test_the_requester_cancels_from_the_page(chain, client_for):
    request = submitted(chain)
    response = client_for(chain.tenant, chain.requester).post(
        url("approvals_request_cancel", request.pk), follow=True
    )
    assert f"{request.reference} cancelled." in messages_of(response)


def test_comments_and_attachments_on_a_request(chain, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    request = submitted(chain)
    manager = client_for(chain.tenant, chain.manager)
    manager.post(url("approvals_request_comment", request.pk), {"body": "Which model?"})
    manager.post(
        url("approvals_request_attach", request.pk),
        {"file": SimpleUploadedFile("quote.pdf", b"%PDF-1.4 quote"), "note": "Quote"},
    )
    body = manager.get(url("approvals_approvalrequest_change", request.pk)).content.decode()
    assert "Which model?" in body and "quote" in body
    empty = manager.post(url("approvals_request_comment", request.pk), {"body": " "}, follow=True)
    assert "Write a comment before sending it." in messages_of(empty)


def test_dashboard_shows_what_awaits_me(chain, client_for):
    submitted(chain)
    response = client_for(chain.tenant, chain.manager).get("/admin/")
    cards = {str(card["title"]): card["value"] for card in response.context["kpis"]}
    assert cards["Awaiting your decision"] == 1


def test_return_to_an_earlier_gate_from_the_inbox_row(chain, client_for):
    request = submitted(chain)
    with tenant_context(chain.tenant):
        decide(request, chain.manager, "approve")
        manager_gate = request.steps.get(name="Manager")
        ra_gate = gate_of(request)
    client = client_for(chain.tenant, chain.ra)
    body = client.get(url("approvals_inbox")).content.decode()
    assert f'<option value="{manager_gate.pk}">Return to Manager</option>' in body
    response = client.post(
        url("approvals_request_decide", request.pk),
        {
            "decision": "return",
            "comment": "Recheck",
            "return_to": manager_gate.pk,
            "step": ra_gate,
        },
        follow=True,
    )
    assert f"{request.reference} returned to Manager." in messages_of(response)


def _route_form(route, gates):
    data = {
        "name": route.name,
        "gates-TOTAL_FORMS": str(len(gates)),
        "gates-INITIAL_FORMS": "0",
        "gates-MIN_NUM_FORMS": "0",
        "gates-MAX_NUM_FORMS": "1000",
    }
    for index, gate in enumerate(gates):
        for key, value in gate.items():
            data[f"gates-{index}-{key}"] = value
    return data


def test_an_owner_rebuilds_a_route_and_a_bad_gate_is_explained(chain, client_for):
    from modules.approvals.models import Route

    with tenant_context(chain.tenant):
        route = Route.objects.get(kind="vas")
        route.gates.all().delete()
        ceo_member = Membership.objects.get(user=chain.ceo)
    client = client_for(chain.tenant, chain.owner)
    change = url("approvals_route_change", route.pk)
    bad = client.post(
        change, _route_form(route, [{"position": "0", "name": "Board", "approver_type": "role"}])
    )
    assert bad.status_code == 200
    assert "Choose the role whose holders decide this gate." in bad.content.decode()
    good = client.post(
        change,
        _route_form(
            route,
            [
                {
                    "position": "0",
                    "name": "Manager",
                    "approver_type": "line_manager",
                    "sla_hours": "24",
                },
                {
                    "position": "1",
                    "name": "Controller",
                    "approver_type": "person",
                    "person": str(ceo_member.pk),
                    "min_amount": "5000",
                },
            ],
        ),
    )
    assert good.status_code == 302, good.content.decode()[:3000]
    with tenant_context(chain.tenant):
        assert list(route.gates.values_list("name", "approver_type", "sla_hours")) == [
            ("Manager", "line_manager", 24),
            ("Controller", "person", None),
        ]


def test_the_inbox_says_when_i_decide_as_a_deputy(chain, client_for):
    with tenant_context(chain.tenant):
        Delegation.objects.create(
            principal=Membership.objects.get(user=chain.ceo),
            deputy=Membership.objects.get(user=chain.director),
            starts_on=date.today(),
            ends_on=date.today() + timedelta(days=2),
        )
        request = purchase(chain.requester, total=20000)
        services.request_submit(request_id=request.pk, user=chain.requester)
        decide(request, chain.manager, "approve")
        decide(request, chain.ra, "approve")
    body = client_for(chain.tenant, chain.director).get(url("approvals_inbox")).content.decode()
    assert request.reference in body
    assert "as deputy of Cleo" in body


def test_the_requester_edits_a_returned_request_and_resubmits_in_one_click(chain, client_for):
    request = submitted(chain, total=900)
    with tenant_context(chain.tenant):
        decide(request, chain.manager, "return", comment="Two units")
        line = request.lines.get()
    client = client_for(chain.tenant, chain.requester)
    page = client.get(url("approvals_approvalrequest_change", request.pk)).content.decode()
    assert "Save and resubmit" in page
    response = client.post(
        url("approvals_approvalrequest_change", request.pk),
        {
            "title": request.title,
            "description": "",
            "vendor": "Dell",
            "lines-TOTAL_FORMS": "1",
            "lines-INITIAL_FORMS": "1",
            "lines-MIN_NUM_FORMS": "0",
            "lines-MAX_NUM_FORMS": "1000",
            "lines-0-id": str(line.pk),
            "lines-0-request": str(request.pk),
            "lines-0-description": "Item",
            "lines-0-quantity": "2",
            "lines-0-unit_price": "900",
            "_submit": "1",
        },
        follow=True,
    )
    assert f"{request.reference} resubmitted." in messages_of(response)
    with tenant_context(chain.tenant):
        request.refresh_from_db()
        assert (request.status, str(request.amount)) == (RequestStatus.IN_REVIEW, "1800.00")
    # Mark sees what changed since he returned it.
    review = client_for(chain.tenant, chain.manager).get(
        url("approvals_approvalrequest_change", request.pk)
    )
    changes = review.context["changes"]
    assert ("amount", "900.00", "1800.00") in changes


def test_status_colours_hold_in_arabic(chain, client_for):
    submitted(chain)
    chain.owner.language = "ar"
    chain.owner.save()
    client = client_for(chain.tenant, chain.owner)
    client.cookies["django_language"] = "ar"
    body = client.get(
        url("approvals_approvalrequest_changelist"), HTTP_ACCEPT_LANGUAGE="ar"
    ).content.decode()
    assert "قيد المراجعة" in body  # "In review"
    assert "bg-orange-100" in body or "text-orange-700" in body


def test_garbage_in_a_decision_form_is_refused_without_an_error_page(chain, client_for):
    request = submitted(chain)
    client = client_for(chain.tenant, chain.manager)
    for data in (
        {"decision": "approve", "step": "abc"},
        {"decision": "return", "comment": "x", "return_to": "1; DROP"},
        {"decision": "maybe"},
    ):
        response = client.post(url("approvals_request_decide", request.pk), data, follow=True)
        assert response.status_code == 200
        assert messages_of(response)
    bulk = client.post(
        url("approvals_inbox_bulk_approve"), {"request": ["x:y", "1:z"]}, follow=True
    )
    assert bulk.status_code == 200
    with tenant_context(chain.tenant):
        assert request.steps.get(status=StepStatus.CURRENT).name == "Manager"


def test_nobody_is_their_own_deputy(chain, client_for):
    with tenant_context(chain.tenant):
        me = Membership.objects.get(user=chain.manager)
    response = client_for(chain.tenant, chain.manager).post(
        url("approvals_delegation_add"),
        {
            "deputy": me.pk,
            "starts_on": date.today().isoformat(),
            "ends_on": (date.today() + timedelta(days=7)).isoformat(),
        },
    )
    assert response.status_code == 200
    assert "A person cannot be their own deputy." in response.content.decode()
    with tenant_context(chain.tenant):
        assert not Delegation.objects.exists()


def test_a_deputy_period_ends_after_it_starts(chain, client_for):
    with tenant_context(chain.tenant):
        deputy = Membership.objects.get(user=chain.director)
    response = client_for(chain.tenant, chain.manager).post(
        url("approvals_delegation_add"),
        {"deputy": deputy.pk, "starts_on": "2026-12-10", "ends_on": "2026-12-01"},
    )
    assert response.status_code == 200
    assert "The end date cannot be before the start date." in response.content.decode()
