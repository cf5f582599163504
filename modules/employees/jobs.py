"""Running an ImportJob: check the file, then apply it. Used inline for small
files and from huey (tasks.py) for large ones, so both take the same path."""

from __future__ import annotations

import logging

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from modules.employees.importing import ImportFileError, import_employees, plan_import, read_table
from modules.employees.models import ImportJob
from opsplatform.tenancy.rls import tenant_transaction

logger = logging.getLogger(__name__)

UNEXPECTED_FAILURE = gettext_lazy(
    "The import stopped on an unexpected error and nothing was saved. "
    "Try again; if it happens again, tell us the time it happened."
)

# Files with more rows than this run in the background with a progress bar.
INLINE_ROW_LIMIT = 2000


def _save(job: ImportJob, *, user=None, **changes) -> None:
    """Record a status change of the job, with its history row (every status is audited).

    Row-by-row progress is not written here: it lives in the cache
    (``progress_key``), so the history holds one row per status, not per batch.
    """
    for name, value in changes.items():
        setattr(job, name, value)
    if user is not None:
        job._history_user = user
    job._change_reason = _("Import status: %(status)s") % {"status": job.get_status_display()}
    # Its own short transaction: in a background run, "importing" must be
    # visible while the import's transaction is still open.
    with tenant_transaction(job.tenant):
        job.save(update_fields=list(changes))


def claim_job(job: ImportJob, *, user=None) -> bool:
    """Move a checked job to "importing" once: a double click or a second tab gets False."""
    with tenant_transaction(job.tenant):
        # The row lock makes the check and the change one step.
        current = ImportJob.objects.select_for_update().get(pk=job.pk)
        if current.status != ImportJob.Status.READY:
            return False
        _save(job, user=user, status=ImportJob.Status.IMPORTING)
    return True


def progress_key(job_id: int) -> str:
    return f"employees:import:{job_id}:progress"


def current_progress(job: ImportJob) -> int:
    """Rows written so far. The import runs in one transaction, so its progress
    is kept in the cache (keys carry the tenant), where the status page can see it."""
    if job.status == ImportJob.Status.IMPORTING:
        return cache.get(progress_key(job.pk), 0)
    return job.processed_rows


def _read(job: ImportJob) -> bytes:
    job.file.open("rb")
    try:
        return job.file.read()
    finally:
        job.file.close()


def _refuse_file(job: ImportJob, error: Exception) -> ImportJob:
    """The file as a whole is unusable: say why, write nothing."""
    _save(
        job,
        status=ImportJob.Status.INVALID,
        report={"file_error": str(error)},
        finished_at=timezone.now(),
    )
    return job


def check_job(job: ImportJob) -> ImportJob:
    """Read and check every row; nothing is written to the people tables."""
    content = _read(job)
    try:
        headers, rows = read_table(content, job.original_name)
        with tenant_transaction(job.tenant):
            report, _checked, _lookups = plan_import(
                headers, rows, may_set_salary=job.may_set_salary
            )
    except ImportFileError as error:
        return _refuse_file(job, error)
    status = ImportJob.Status.READY if report.ok else ImportJob.Status.INVALID
    _save(job, status=status, total_rows=report.total, report=report.as_dict())
    return job


def apply_job(job: ImportJob, *, user=None) -> ImportJob:
    """Import all rows or none. The file is checked again: the data may have moved since."""
    content = _read(job)
    if job.status != ImportJob.Status.IMPORTING or job.processed_rows:
        # Usually claim_job has already recorded "importing": no second history row.
        _save(job, user=user, status=ImportJob.Status.IMPORTING, processed_rows=0)

    def progress(done: int) -> None:
        cache.set(progress_key(job.pk), done, 3600)

    try:
        with tenant_transaction(job.tenant):
            report = import_employees(
                content,
                job.original_name,
                may_set_salary=job.may_set_salary,
                user=user,
                progress=progress,
            )
    except ImportFileError as error:
        return _refuse_file(job, error)
    except Exception:
        # The raw text (SQL, a library's message) means nothing to the person
        # and may show internals; they get a plain sentence, the log the details.
        logger.exception("employee import job %s failed", job.pk)
        _save(
            job,
            status=ImportJob.Status.FAILED,
            report={"file_error": str(UNEXPECTED_FAILURE)},
            finished_at=timezone.now(),
        )
        raise
    status = ImportJob.Status.DONE if report.applied else ImportJob.Status.INVALID
    _save(
        job,
        status=status,
        report=report.as_dict(),
        processed_rows=report.created + report.updated,
        finished_at=timezone.now(),
    )
    transaction.on_commit(lambda: _announce(job))
    return job


def _announce(job: ImportJob) -> None:
    """Tell the uploader that a background import ended: live and by email."""
    from modules.employees.notifications import import_finished

    import_finished(job)
