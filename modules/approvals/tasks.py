"""Background work for approvals: notices after each decision, and the SLA sweep
(reminders, then escalation)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from opsplatform.tenancy.rls import tenant_transaction
from opsplatform.tenancy.sweeps import for_each_active_tenant


@db_periodic_task(crontab(minute="*/15"))
def sweep_approval_deadlines() -> None:
    """Every quarter hour, in each active company: remind late approvers, escalate later ones."""
    from modules.approvals.services import sla_sweep

    for_each_active_tenant("Approval deadlines", lambda tenant: sla_sweep())


@db_task()
def announce(tenant_id, code, request_id, step_id, actor_id, to_deciders, extra) -> None:
    """Send one queued notice of a request event (see notifications.later)."""
    from modules.approvals.models import ApprovalRequest, RequestStep
    from modules.approvals.notifications import announce_now
    from tenants.models import Tenant, User

    tenant = Tenant.objects.filter(pk=tenant_id).first()
    if tenant is None:
        return
    with tenant_transaction(tenant):
        request = ApprovalRequest.objects.select_related("requester").filter(pk=request_id).first()
        if request is None:
            return
        step = (
            RequestStep.objects.select_related("approver").filter(pk=step_id).first()
            if step_id
            else None
        )
        actor = User.objects.filter(pk=actor_id).first() if actor_id else None
        announce_now(
            code=code, request=request, step=step, actor=actor, to_deciders=to_deciders, extra=extra
        )
