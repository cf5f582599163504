"""Every move of a request, and every refusal: the message, and nothing written."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from modules.approvals import services
from modules.approvals.models import (
    Delegation,
    GateAction,
    GateLog,
    RequestStatus,
    StepStatus,
)
from modules.approvals.selectors import changes_since_last_decision, inbox
from tenants.models import Membership

from .conftest import gate_of, purchase

APPROVE, REJECT, RETURN = (
    services.Decision.APPROVE,
    services.Decision.REJECT,
    services.Decision.RETURN,
)


def submitted(chain, **kwargs):
    request = purchase(chain.requester, **kwargs)
    services.request_submit(request_id=request.pk, user=chain.requester)
    request.refresh_from_db()
    return request


def decide(request, user, decision=APPROVE, **kwargs):
    # As the page's form: the decision names the gate the request stands at.
    if "step_id" not in kwargs and request.steps.filter(status=StepStatus.CURRENT).exists():
        kwargs["step_id"] = gate_of(request)
    return services.request_decide(request_id=request.pk, user=user, decision=decision, **kwargs)


def current(request):
    return request.steps.get(status=StepStatus.CURRENT)


def test_a_purchase_travels_the_whole_chain(in_acme):
    request = submitted(in_acme, total=25000)
    assert request.status == RequestStatus.IN_REVIEW
    for person, gate in [
        (in_acme.manager, "Manager"),
        (in_acme.ra, "Revenue Assurance"),
        (in_acme.ceo, "CEO"),
    ]:
        assert current(request).name == gate
        decide(request, person)
    decide(request, in_acme.owner)
    request.refresh_from_db()
    assert request.status == RequestStatus.COMPLETED
    assert request.finished_at is not None
    assert list(request.log.values_list("action", "from_gate", "to_gate")) == [
        (GateAction.SUBMITTED, "", "Manager"),
        (GateAction.APPROVED, "Manager", "Revenue Assurance"),
        (GateAction.APPROVED, "Revenue Assurance", "CEO"),
        (GateAction.APPROVED, "CEO", "Owner"),
        (GateAction.APPROVED, "Owner", "Completed"),
        (GateAction.COMPLETED, "Owner", ""),
    ]
    # History records the status changes too.
    assert (
        list(request.history.order_by("history_id").values_list("status", flat=True))[-1]
        == "completed"
    )


def test_only_the_requester_submits_and_only_once(in_acme):
    request = purchase(in_acme.requester)
    with pytest.raises(services.Refused, match="Only the requester"):
        services.request_submit(request_id=request.pk, user=in_acme.manager)
    services.request_submit(request_id=request.pk, user=in_acme.requester)
    with pytest.raises(services.Refused, match="already submitted"):
        services.request_submit(request_id=request.pk, user=in_acme.requester)
    assert request.steps.count() == 4


def test_an_incomplete_request_cannot_be_submitted(in_acme):
    request = services.request_create(user=in_acme.requester, kind="payment", title="Pay")
    with pytest.raises(ValidationError) as error:
        services.request_submit(request_id=request.pk, user=in_acme.requester)
    assert set(error.value.message_dict) >= {"payee", "payment_amount", "due_date", "invoice"}
    request.refresh_from_db()
    assert request.status == RequestStatus.DRAFT
    assert not request.steps.exists()


def test_a_purchase_needs_line_items(in_acme):
    request = services.request_create(
        user=in_acme.requester, kind="purchase", title="x", vendor="V"
    )
    with pytest.raises(ValidationError, match="line item"):
        services.request_submit(request_id=request.pk, user=in_acme.requester)


def test_nobody_decides_a_gate_that_is_not_theirs(in_acme):
    request = submitted(in_acme)
    with pytest.raises(services.Refused, match="The Manager gate of PUR-.* is not yours"):
        decide(request, in_acme.ceo)
    with pytest.raises(services.Refused, match="your own request"):
        decide(request, in_acme.requester)
    assert current(request).name == "Manager"
    assert request.log.count() == 2  # submitted + CEO skipped


def test_reject_and_return_need_a_comment(in_acme):
    request = submitted(in_acme)
    for decision in (REJECT, RETURN):
        with pytest.raises(services.Refused, match="comment"):
            decide(request, in_acme.manager, decision, comment="  ")
    assert current(request).name == "Manager"


def test_reject_finishes_the_request(in_acme):
    request = submitted(in_acme)
    seen = current(request).pk
    decide(request, in_acme.manager, REJECT, comment="Too expensive")
    request.refresh_from_db()
    assert request.status == RequestStatus.REJECTED
    entry = request.log.get(action=GateAction.REJECTED)
    assert (entry.actor, entry.comment) == (in_acme.manager, "Too expensive")
    with pytest.raises(services.Refused, match="Already decided: Mark rejected"):
        decide(request, in_acme.manager, step_id=seen)


def test_a_stale_form_is_refused_with_who_decided_first(in_acme):
    request = submitted(in_acme)
    seen = current(request).pk
    decide(request, in_acme.manager, step_id=seen)
    # Mark double-clicks: the second POST still names the Manager gate.
    with pytest.raises(services.Refused, match="Already decided: Mark approved .* Manager gate"):
        decide(request, in_acme.manager, step_id=seen)
    assert request.log.filter(action=GateAction.APPROVED).count() == 1


def test_return_to_the_requester_then_resubmit_with_changes_shown(in_acme):
    request = submitted(in_acme)
    decide(request, in_acme.manager)
    decide(request, in_acme.ra, RETURN, comment="Get a second quote")
    request.refresh_from_db()
    assert request.status == RequestStatus.RETURNED
    assert not request.steps.filter(status=StepStatus.CURRENT).exists()
    # The requester edits the returned request and resubmits.
    request.title = "Laptops (2 quotes)"
    services.request_save(approval=request, user=in_acme.requester)
    services.request_resubmit(request_id=request.pk, user=in_acme.requester)
    request.refresh_from_db()
    assert (request.status, current(request).name) == (RequestStatus.IN_REVIEW, "Manager")
    changes = changes_since_last_decision(request, in_acme.ra)
    assert ("title", "Laptops", "Laptops (2 quotes)") in changes


def test_return_to_an_earlier_gate(in_acme):
    request = submitted(in_acme)
    decide(request, in_acme.manager)
    manager_step = request.steps.get(name="Manager")
    decide(request, in_acme.ra, RETURN, comment="Check the budget line", return_to=manager_step.pk)
    request.refresh_from_db()
    assert request.status == RequestStatus.IN_REVIEW
    assert current(request).name == "Manager"
    entry = request.log.get(action=GateAction.RETURNED)
    assert (entry.from_gate, entry.to_gate) == ("Revenue Assurance", "Manager")


def test_return_only_to_a_gate_already_passed(in_acme):
    request = submitted(in_acme)
    later = request.steps.get(name="Owner")
    with pytest.raises(services.Refused, match="already passed"):
        decide(request, in_acme.manager, RETURN, comment="x", return_to=later.pk)


def test_the_requester_cancels_an_unfinished_request(in_acme):
    request = submitted(in_acme)
    with pytest.raises(services.Refused, match="Only the requester"):
        services.request_cancel(request_id=request.pk, user=in_acme.manager)
    services.request_cancel(request_id=request.pk, user=in_acme.requester, comment="Not needed")
    request.refresh_from_db()
    assert request.status == RequestStatus.CANCELLED
    assert not inbox(in_acme.manager).exists()
    with pytest.raises(services.Refused, match="can no longer be cancelled"):
        services.request_cancel(request_id=request.pk, user=in_acme.requester)


def test_a_finished_request_cannot_be_edited(in_acme):
    request = submitted(in_acme)
    request.title = "Sneaky edit"
    with pytest.raises(services.Refused, match="can no longer be changed"):
        services.request_save(approval=request, user=in_acme.requester)


def test_bulk_approve_reports_each_outcome(in_acme):
    mine = [submitted(in_acme, title=f"R{index}") for index in range(3)]
    not_mine = submitted(in_acme, title="Other")
    decide(not_mine, in_acme.manager)  # now at Revenue Assurance
    results = services.requests_approve(
        items=[(r.pk, current(r).pk) for r in mine + [not_mine]], user=in_acme.manager
    )
    assert [ok for _pk, ok, _message in results] == [True, True, True, False]
    assert "not yours" in results[-1][2]
    for request in mine:
        assert current(request).name == "Revenue Assurance"


def test_a_deputy_decides_on_behalf_of_the_approver(in_acme):
    from datetime import date, timedelta

    Delegation.objects.create(
        principal=Membership.objects.get(user=in_acme.manager),
        deputy=Membership.objects.get(user=in_acme.director),
        starts_on=date.today(),
        ends_on=date.today() + timedelta(days=5),
    )
    request = submitted(in_acme)
    assert inbox(in_acme.director).filter(request=request).exists()
    decide(request, in_acme.director)
    entry = request.log.get(action=GateAction.APPROVED)
    assert (entry.actor, entry.on_behalf_of) == (in_acme.director, in_acme.manager)


def test_a_delegation_that_has_ended_gives_nothing(in_acme):
    from datetime import date, timedelta

    Delegation.objects.create(
        principal=Membership.objects.get(user=in_acme.manager),
        deputy=Membership.objects.get(user=in_acme.director),
        starts_on=date.today() - timedelta(days=10),
        ends_on=date.today() - timedelta(days=1),
    )
    request = submitted(in_acme)
    with pytest.raises(services.Refused, match="not yours"):
        decide(request, in_acme.director)


def test_any_holder_of_a_role_decides_a_role_gate(in_acme, make_member):
    second_ra = make_member(in_acme.tenant, "ray@acme.test", roles=["revenue_assurance"])
    request = submitted(in_acme)
    decide(request, in_acme.manager)
    assert inbox(in_acme.ra).filter(request=request).exists()
    assert inbox(second_ra).filter(request=request).exists()
    decide(request, second_ra)
    with pytest.raises(services.Refused, match="Already decided|not yours"):
        decide(request, in_acme.ra, step_id=request.steps.get(name="Revenue Assurance").pk)


def test_gate_log_rows_are_one_per_event(in_acme):
    request = submitted(in_acme)
    decide(request, in_acme.manager)
    assert list(GateLog.objects.filter(request=request).values_list("action", flat=True)) == [
        GateAction.SUBMITTED,
        GateAction.SKIPPED,
        GateAction.APPROVED,
    ]


def test_resubmit_is_only_for_a_returned_request_and_its_requester(in_acme):
    request = submitted(in_acme)
    with pytest.raises(services.Refused, match="only a returned request"):
        services.request_resubmit(request_id=request.pk, user=in_acme.requester)
    decide(request, in_acme.manager, RETURN, comment="Fix it")
    with pytest.raises(services.Refused, match="Only the requester"):
        services.request_resubmit(request_id=request.pk, user=in_acme.manager)


def test_a_draft_and_a_returned_request_can_be_cancelled(in_acme):
    draft = purchase(in_acme.requester)
    services.request_cancel(request_id=draft.pk, user=in_acme.requester)
    returned = submitted(in_acme)
    decide(returned, in_acme.manager, RETURN, comment="Fix it")
    services.request_cancel(request_id=returned.pk, user=in_acme.requester)
    for request in (draft, returned):
        request.refresh_from_db()
        assert request.status == RequestStatus.CANCELLED


def test_a_request_no_gate_applies_to_completes_on_submit(in_acme):
    from modules.approvals.models import Route

    Route.objects.get(kind="purchase").gates.update(min_amount=1_000_000)
    request = submitted(in_acme)
    assert request.status == RequestStatus.COMPLETED
    assert request.log.filter(action=GateAction.COMPLETED).exists()


def test_nothing_is_decided_on_a_cancelled_request(in_acme):
    request = submitted(in_acme)
    step = current(request)
    services.request_cancel(request_id=request.pk, user=in_acme.requester)
    with pytest.raises(services.Refused, match="Already decided: Erin cancelled"):
        decide(request, in_acme.manager, step_id=step.pk)


def test_the_machine_refuses_moves_that_do_not_exist():
    from modules.approvals.models import ApprovalRequest
    from modules.approvals.workflow import RequestFlow, TransitionNotAllowed

    flow = RequestFlow(ApprovalRequest(status=RequestStatus.COMPLETED))
    for move in (flow.submit, flow.resubmit, flow.reject, flow.cancel):
        with pytest.raises(TransitionNotAllowed):
            move()
    with pytest.raises(TransitionNotAllowed):
        flow.approve(last_gate=True)
    draft = RequestFlow(ApprovalRequest(status=RequestStatus.DRAFT))
    with pytest.raises(TransitionNotAllowed):
        draft.approve(last_gate=False)


# -- every write leaves history (docs/audit.md) ---------------------------------------


def test_purchase_lines_created_with_the_request_have_history(in_acme):
    request = purchase(in_acme.requester)
    (line,) = request.lines.all()
    (row,) = line.history.all()
    assert row.history_type == "+"
    assert row.history_user == in_acme.requester
    assert row.history_change_reason == "Created with the request"


def test_the_gates_copied_on_submit_have_history(in_acme):
    request = submitted(in_acme)
    steps = list(request.steps.all())
    assert steps
    for step in steps:
        (created, *later) = step.history.order_by("history_id")
        assert created.history_type == "+"
        assert created.history_user == in_acme.requester
        assert created.history_change_reason == "Route copied on submit"
