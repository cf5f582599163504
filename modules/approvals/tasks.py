"""Background work for approvals: notices after each decision, and the SLA sweep
(reminders, then escalation)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from opsplatform.tenancy.rls import tenant_transaction
from opsplatform.tenancy.sweeps import for_each_active_tenant


@db_periodic_task(crontab(minute="*/15"))
def sweep_approval_deadlines() -> None:
    """Every quarter hour, in each active company: remind late approvers, escalate later ones.

    A read-only company's approvers are still reminded, but nothing is escalated (an
    escalation moves the decision to someone else): the first sweep after it pays
    escalates what is late by then."""
    from modules.approvals.services import sla_sweep

    for_each_active_tenant(
        "Approval deadlines",
        lambda tenant: sla_sweep(),
        read_only=lambda tenant: sla_sweep(escalate=False),
    )


@db_task()
def announce(tenant_id, code, request_id, step_id, actor_id, to_deciders, extra) -> None:
    """A notice queued before notices went through the outbox: kept so that the
    worker still knows tasks enqueued by the previous release."""
    from modules.approvals.notifications import announce_by_ids
    from tenants.models import Tenant

    tenant = Tenant.objects.filter(pk=tenant_id).first()
    if tenant is None:
        return
    with tenant_transaction(tenant):
        announce_by_ids(
            code=code,
            request_id=request_id,
            step_id=step_id,
            actor_id=actor_id,
            to_deciders=to_deciders,
            extra=extra,
        )
