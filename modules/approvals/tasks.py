"""Background work for approvals: the SLA sweep (reminders, then escalation)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from opsplatform.tenancy.rls import tenant_transaction


@db_periodic_task(crontab(minute="*/15"))
def sweep_approval_deadlines() -> None:
    """Every quarter hour, in each active company: remind late approvers, escalate later ones."""
    from modules.approvals.services import sla_sweep
    from tenants.models import Tenant

    for tenant in Tenant.objects.filter(status=Tenant.Status.ACTIVE):
        # A worker has no request: tell the database the tenant too (RLS).
        with tenant_transaction(tenant):
            sla_sweep()
