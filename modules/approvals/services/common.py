"""What every request service shares: the row lock, the gate log, entering a gate."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from modules.approvals import notifications as notices
from modules.approvals.kinds import snapshot
from modules.approvals.models import (
    ApprovalRequest,
    Delegation,
    GateAction,
    GateLog,
    RequestStep,
    StepStatus,
)
from opsplatform.realtime.publish import publish_via_worker
from opsplatform.tenancy.context import require_current_tenant
from tenants.models import Membership


class Decision:
    APPROVE = "approve"
    REJECT = "reject"
    RETURN = "return"


def lock_request(request_id) -> ApprovalRequest:
    # of=("self",) keeps the lock on the request row only (PostgreSQL refuses
    # FOR UPDATE on the nullable side of an outer join).
    return (
        ApprovalRequest.objects.select_for_update(of=("self",))
        .select_related("requester")
        .get(pk=request_id)
    )


def log_event(
    approval,
    action,
    *,
    step=None,
    actor=None,
    behalf=None,
    to_gate="",
    comment="",
    with_snapshot=False,
):
    entry = gate_log_entry(
        approval,
        action,
        step=step,
        actor=actor,
        behalf=behalf,
        to_gate=to_gate,
        comment=comment,
        with_snapshot=with_snapshot,
    )
    entry.save()
    return entry


def gate_log_entry(
    approval,
    action,
    *,
    step=None,
    actor=None,
    behalf=None,
    to_gate="",
    comment="",
    with_snapshot=False,
) -> GateLog:
    """One unsaved line of the gate log (``log_event`` saves it, ``log_events`` several)."""
    return GateLog(
        request=approval,
        step=step,
        action=action,
        from_gate=step.name if step is not None else "",
        to_gate=to_gate,
        actor=actor,
        on_behalf_of_id=behalf,
        comment=comment,
        snapshot=snapshot(approval) if with_snapshot else {},
    )


def log_events(approval, entries: list[GateLog]) -> None:
    """Several lines of one request's log in one insert, in order (the database still
    chains and stamps each row). Every reference is the request's own, so the
    save's cross-company check has nothing to find."""
    for entry in entries:
        entry.tenant_id = approval.tenant_id
    GateLog.objects.bulk_create(entries)


def inboxes_changed():
    """Tell the company's open pages that inboxes changed (after commit)."""
    publish_via_worker(tenant_id=require_current_tenant().pk, payload={"type": "approvals.changed"})


# -- entering a gate --------------------------------------------------------------


def enter_gate(step: RequestStep, approval: ApprovalRequest, *, now=None) -> None:
    mark_entered(step, now=now)
    step.save()
    announce_gate(step, approval)


def mark_entered(step: RequestStep, *, now=None) -> None:
    """The gate is the one deciding now, its clock started (in memory: the caller saves)."""
    now = now or timezone.now()
    step.status = StepStatus.CURRENT
    step.entered_at = now
    step.due_at = now + timedelta(hours=step.sla_hours) if step.sla_hours else None
    step.reminded_at = None
    step.escalated_at = None
    step.decided_at = None
    step.decided_by = None


def announce_gate(step: RequestStep, approval: ApprovalRequest) -> None:
    """After a gate is entered: the log names a standing-in deputy, the deciders hear of it."""
    _note_deputy(step, approval)
    # Its deciders (and their deputies) hear of it from the worker, after commit.
    notices.later(notices.AWAITING, request=approval, step=step, to_deciders=True)


def _note_deputy(step: RequestStep, approval: ApprovalRequest) -> None:
    """The gate log says when the gate's approver is away and who stands in (one query)."""
    if step.approver_id is None:
        return
    today = timezone.localdate()
    away = (
        Delegation.objects.filter(
            principal__user_id=step.approver_id,
            deputy__status=Membership.Status.ACTIVE,
            starts_on__lte=today,
            ends_on__gte=today,
        )
        .select_related("principal__user", "deputy__user")
        .order_by("-starts_on", "-pk")
        .first()
    )
    if away is None:
        return
    names = {
        "name": away.principal.user.get_full_name(),
        "deputy": away.deputy.user.get_full_name(),
        "note": away.note,
    }
    comment = (
        _("%(name)s is away (%(note)s): their deputy %(deputy)s may decide.") % names
        if away.note
        else _("%(name)s is away: their deputy %(deputy)s may decide.") % names
    )
    log_event(approval, GateAction.REROUTED, step=step, comment=comment)


def next_pending_gate(approval: ApprovalRequest, after: int = -1) -> RequestStep | None:
    return (
        approval.steps.filter(status=StepStatus.PENDING, position__gt=after)
        .select_related("approver")
        .order_by("position")
        .first()
    )
