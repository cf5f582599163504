"""Background work for people: large imports, their watchdog, and document-expiry reminders.

The import tasks retry with growing delays (10 s, 20 s, 40 s, 80 s) after a
transient failure (the database or a worker restarting). Both are safe to run
again: a check writes only its job's result, and an import runs only for the
worker that takes its lease (jobs.start_run), writes all rows or none, and is
recorded DONE in the same transaction; a second delivery finds nothing to do.
"""

from __future__ import annotations

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from opsplatform.tenancy.context import tenant_context
from opsplatform.tenancy.rls import tenant_transaction
from opsplatform.tenancy.sweeps import RUN, for_each_active_tenant


def _job(tenant_id: int, job_id: int):
    from modules.employees.models import ImportJob
    from tenants.models import Tenant

    tenant = Tenant.objects.get(pk=tenant_id)
    # A worker has no request: the database must be told the tenant too (RLS).
    with tenant_transaction(tenant):
        return tenant, ImportJob.objects.select_related("created_by").get(pk=job_id)


RETRIES = {"retries": 4, "retry_delay": 10, "retry_backoff": 2}


@db_task(**RETRIES)
def check_import_job(tenant_id: int, job_id: int) -> None:
    from modules.employees.jobs import check_job

    tenant, job = _job(tenant_id, job_id)
    with tenant_context(tenant):
        check_job(job, background=True)


@db_task(**RETRIES)
def apply_import_job(tenant_id: int, job_id: int) -> None:
    from modules.employees.jobs import apply_job

    tenant, job = _job(tenant_id, job_id)
    with tenant_context(tenant):
        apply_job(job, user=job.created_by, background=True)


@db_periodic_task(crontab(minute="*"))
def release_stalled_import_jobs() -> None:
    """Every minute: imports whose worker died, or that no worker started, go back
    to a state their uploader can restart from (jobs.release_stalled)."""
    from modules.employees.jobs import release_stalled

    # Also while read-only: it writes no one's records, it only frees a stuck upload.
    for_each_active_tenant("Import watchdog", lambda tenant: release_stalled(), read_only=RUN)


# Due at 06:00 UTC, and asked again every quarter hour until the day ends: each
# company's run of the day is recorded (for_each_active_tenant's ``period``), so a
# worker that was down at six sends the day's reminder when it is back, once.
@db_periodic_task(crontab(hour="6-23", minute="*/15"))
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

    today = timezone.now().date().isoformat()
    for_each_active_tenant("Document expiry reminder", remind, period=today, read_only=RUN)
