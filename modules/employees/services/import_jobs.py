"""Every write a person makes on an import of people: upload a file, start the
import once its check is ready, check a stopped file again. The views parse the
request and show the outcome; the runs themselves (leases, heartbeats, the check
and the apply) are modules/employees/jobs.py.

No transaction around these: a small file's check runs here, and on SQLite one
around it would hold the write lock for the whole file (see ``jobs.check_job``).
Each step that must be atomic takes its own lock.
"""

from __future__ import annotations

import enum

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from modules.employees import jobs
from modules.employees.models import ImportJob
from opsplatform.files.fields import check_upload, too_large_error
from opsplatform.files.uploads import OversizedUpload
from opsplatform.refusals import Refused

IMPORT_FILE = ImportJob._meta.get_field("file")
# The name picks the parser; the content decides whether it is allowed.
IMPORT_SUFFIXES = (".csv", ".txt", ".xlsx", ".xlsm")


class ImportStart(enum.Enum):
    """What starting an import came to."""

    IMPORTED = "imported"  # a small file, imported in the request
    DATA_CHANGED = "data_changed"  # a small file whose new check found problems; nothing written
    QUEUED = "queued"  # a large file, handed to a worker
    ALREADY_STARTED = "already_started"  # a double click or a second tab


def check_import_upload(upload) -> None:
    """Refuse a file over the import's size cap, of a kind we cannot read, or whose
    content is not a spreadsheet. The upload handler caps the file while it
    streams; this refuses an oversized file whatever the caller."""
    if isinstance(upload, OversizedUpload) or (upload.size or 0) > IMPORT_FILE.max_size:
        error = too_large_error(IMPORT_FILE.max_size)
        raise Refused(error.messages, code=error.code, field="file")
    if not (upload.name or "").lower().endswith(IMPORT_SUFFIXES):
        raise Refused(_("Upload a .csv or .xlsx file."), field="file")
    try:
        check_upload(upload, IMPORT_FILE)
    except ValidationError as error:
        raise Refused(error.messages, code=error.code, field="file") from None


def import_job_create(*, upload, user) -> ImportJob:
    """Keep the uploaded file as a new job and start its check (here for a small file,
    else in the background)."""
    check_import_upload(upload)
    job = ImportJob(
        original_name=upload.name[:255],
        created_by=user,
        may_set_salary=user.has_perm("employees.view_salary"),
        queued_at=timezone.now(),
    )
    job.save()
    job.file.save(upload.name, upload, save=True)
    _start_check(job)
    return job


def import_job_start(*, job: ImportJob, user) -> ImportStart:
    """Import a checked file: claimed first, so that a double click starts it once."""
    if job.status != ImportJob.Status.READY:
        raise Refused(
            _("This import cannot be started: it is %(status)s.")
            % {"status": job.get_status_display()}
        )
    if not jobs.claim_job(job, user=user):
        return ImportStart.ALREADY_STARTED
    if job.total_rows <= jobs.INLINE_ROW_LIMIT:
        jobs.apply_job(job, user=user)
        job.refresh_from_db()
        if job.status == ImportJob.Status.DONE:
            return ImportStart.IMPORTED
        return ImportStart.DATA_CHANGED
    from modules.employees.tasks import apply_import_job
    from opsplatform import outbox

    outbox.emit_task(apply_import_job, job.tenant_id, job.pk, tenant=job.tenant_id)
    return ImportStart.QUEUED


def import_job_check_again(*, job: ImportJob, user) -> None:
    """A check that stopped (the watchdog says why on the page) runs again."""
    with transaction.atomic():
        locked = ImportJob.objects.select_for_update().get(pk=job.pk)
        if not (locked.status == ImportJob.Status.FAILED and locked.can_check_again):
            raise Refused(_("This file cannot be checked again."))
        jobs.queue_check(job, user=user)
    _start_check(job)


def _start_check(job: ImportJob) -> None:
    """Check a queued job here when its file is small (by its real row count), else
    in the background, once the job is committed."""
    if jobs.runs_inline(job):
        jobs.check_job(job)
    else:
        from modules.employees.tasks import check_import_job
        from opsplatform import outbox

        # An outbox row, not a bare enqueue: a queue down at commit loses nothing.
        outbox.emit_task(check_import_job, job.tenant_id, job.pk, tenant=job.tenant_id)
