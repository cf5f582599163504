"""Deadlines: remind approvers of late gates, then escalate them."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from modules.approvals import notifications as notices
from modules.approvals.deciders import Directory, next_manager_up
from modules.approvals.models import (
    ApprovalRequest,
    GateAction,
    RequestStatus,
    RequestStep,
    StepStatus,
)
from modules.approvals.services.common import (
    inboxes_changed,
    lock_request,
    log_event,
)
from tenants.roles import RoleCode


def _escalation_target(step: RequestStep, approval: ApprovalRequest):
    """(user, role) who takes over a late gate: the gate's target, else the approver's manager, else owners."""
    directory = Directory()
    target = directory.member_user(step.escalate_to_id)
    if target is not None and target.pk not in (approval.requester_id, step.approver_id):
        return target, ""
    if step.approver_id is not None:
        from modules.employees.selectors import employee_for_user

        above = next_manager_up(directory, employee_for_user(step.approver), approval.requester)
        if above is not None and above.pk != step.approver_id:
            return above, ""
    if step.decider_role != RoleCode.OWNER:
        owners = [u for u in directory.holders(RoleCode.OWNER) if u.pk != approval.requester_id]
        if owners:
            return None, RoleCode.OWNER
    return None, ""


def sla_sweep(*, now=None, escalate: bool = True) -> dict[str, int]:
    """Remind approvers of gates past their SLA; escalate those past twice their SLA.

    Runs for the current tenant. Each gate is handled in its own transaction
    with the request locked, so a decision made meanwhile wins. Without
    ``escalate`` (a company that is read-only) only the reminders go out.
    """
    now = now or timezone.now()
    counts = {"reminded": 0, "escalated": 0}
    late = RequestStep.objects.filter(status=StepStatus.CURRENT, due_at__lte=now)
    if not escalate:
        late = late.filter(reminded_at__isnull=True)
    late = list(late.values_list("pk", "request_id"))
    for step_id, request_id in late:
        with transaction.atomic():
            approval = lock_request(request_id)
            step = (
                approval.steps.select_related("approver")
                .filter(pk=step_id, status=StepStatus.CURRENT)
                .first()
            )
            if step is None or approval.status != RequestStatus.IN_REVIEW:
                continue
            if step.reminded_at is None:
                step.reminded_at = now
                step.save(update_fields=["reminded_at"])
                log_event(approval, GateAction.REMINDED, step=step)
                notices.later(notices.REMINDER, request=approval, step=step, to_deciders=True)
                counts["reminded"] += 1
                continue
            if not escalate:
                continue
            sla = timedelta(hours=step.sla_hours or 0)
            if step.escalated_at is not None or now < step.due_at + sla:
                continue
            user, role = _escalation_target(step, approval)
            if user is None and not role:
                continue
            previous = (
                step.approver.get_full_name()
                if step.approver_id
                else str(RoleCode(step.decider_role).label)
            )
            step.approver, step.decider_role = user, role
            step.escalated_at = now
            step.due_at = now + sla
            step.resolution_note = _("Escalated from %(previous)s after the SLA passed.") % {
                "previous": previous
            }
            step.save()
            log_event(
                approval,
                GateAction.ESCALATED,
                step=step,
                to_gate=step.name,
                comment=step.resolution_note,
            )
            notices.later(notices.ESCALATED, request=approval, step=step, to_deciders=True)
            counts["escalated"] += 1
    if counts["escalated"]:
        inboxes_changed()
    return counts
