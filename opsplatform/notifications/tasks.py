"""Delivery after commit: emails and live pushes, in each recipient's language."""

from __future__ import annotations

from huey.contrib.djhuey import db_task


@db_task()
def deliver_notifications(tenant_id: int, notification_ids: list[int]) -> None:
    from opsplatform.notifications.delivery import deliver
    from opsplatform.tenancy.rls import tenant_transaction
    from tenants.models import Tenant

    tenant = Tenant.objects.filter(pk=tenant_id).first()
    if tenant is None:
        return
    # A worker has no request: the database is told the tenant too (RLS).
    with tenant_transaction(tenant):
        deliver(tenant, notification_ids)
