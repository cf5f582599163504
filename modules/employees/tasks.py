"""Background work for people: large imports and document-expiry reminders."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from opsplatform.tenancy.context import tenant_context
from opsplatform.tenancy.rls import tenant_transaction
from opsplatform.tenancy.sweeps import for_each_active_tenant


def _job(tenant_id: int, job_id: int):
    from modules.employees.models import ImportJob
    from tenants.models import Tenant

    tenant = Tenant.objects.get(pk=tenant_id)
    # A worker has no request: the database must be told the tenant too (RLS).
    with tenant_transaction(tenant):
        return tenant, ImportJob.objects.select_related("created_by").get(pk=job_id)


@db_task()
def check_import_job(tenant_id: int, job_id: int) -> None:
    from modules.employees.jobs import check_job

    tenant, job = _job(tenant_id, job_id)
    with tenant_context(tenant):
        check_job(job)


@db_task()
def apply_import_job(tenant_id: int, job_id: int) -> None:
    from modules.employees.jobs import apply_job

    tenant, job = _job(tenant_id, job_id)
    with tenant_context(tenant):
        apply_job(job, user=job.created_by)


@db_periodic_task(crontab(hour="6", minute="0"))
def remind_expiring_documents() -> None:
    """Every morning: tell each company's HR which documents expire within the warning window."""
    from modules.employees.notifications import documents_expiring
    from modules.employees.selectors import expiring_documents
    from tenants.models import Membership
    from tenants.roles import RoleCode

    def remind(tenant) -> None:
        documents = list(expiring_documents())
        if not documents:
            return
        recipients = [
            membership.user
            for membership in Membership.objects.filter(
                status=Membership.Status.ACTIVE,
                role_grants__role__in=[RoleCode.HR, RoleCode.OWNER],
            )
            .select_related("user")
            .distinct()
        ]
        documents_expiring(recipients=recipients, documents=documents)

    for_each_active_tenant("Document expiry reminder", remind)
