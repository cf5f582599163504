"""Running an ImportJob: check the file, then apply it. Used inline for small
files and from huey (tasks.py) for large ones, so both take the same path.

Leases. A job handed to a worker (CHECKING or IMPORTING) is *queued*
(``queued_at``). The worker that starts it takes the lease: a fresh
``run_token`` and ``heartbeat_at``, in one locked step, so a task delivered
twice runs once. While it runs it writes a heartbeat every few hundred rows or
seconds on a connection of its own (the import's own transaction is still
open). Its result is written only if it still holds the token: a worker that
was given up for dead cannot write over a restarted job. The watchdog
(:func:`release_stalled`, every minute from tasks.py) returns a job whose
heartbeat stopped, or that was never started, to a state the person can
restart from, with a sentence on its page.
"""

from __future__ import annotations

import logging
import time
import uuid
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, InterfaceError, OperationalError, connections
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from modules.employees.importing import import_employees
from modules.employees.importing.plan import plan_import
from modules.employees.importing.table import open_table
from modules.employees.models import ImportJob
from opsplatform.billing.entitlements import LimitReached
from opsplatform.importing.files import ImportFileError, count_rows
from opsplatform.tenancy.context import tenant_context
from opsplatform.tenancy.rls import tenant_transaction

logger = logging.getLogger(__name__)

UNEXPECTED_FAILURE = gettext_lazy(
    "The import stopped on an unexpected error and nothing was saved. "
    "Try again; if it happens again, tell us the time it happened."
)
CHECK_FAILURE = gettext_lazy(
    "The check of this file stopped on an unexpected error; nothing was saved. "
    "Check it again; if it happens again, tell us the time it happened."
)
CHECK_STOPPED = gettext_lazy(
    "The check of this file stopped before it finished (the server restarted); "
    "nothing was saved. Check it again."
)
CHECK_NOT_STARTED = gettext_lazy(
    "The check of this file never started (the background workers were unavailable); "
    "nothing was saved. Check it again."
)
IMPORT_STOPPED = gettext_lazy(
    "The import stopped before it finished; nothing was saved. Start it again."
)
IMPORT_NOT_STARTED = gettext_lazy(
    "The import never started (the background workers were unavailable); "
    "nothing was saved. Start it again."
)

# Files with more rows than this run in the background with a progress bar.
INLINE_ROW_LIMIT = 2000
# A running job writes its heartbeat after this many rows or seconds, whichever first.
HEARTBEAT_ROWS = 1000
HEARTBEAT_SECONDS = 10
# Errors after which the same work may well succeed: the task retries them.
TRANSIENT_ERRORS = (OperationalError, InterfaceError)
RUNNING = (ImportJob.Status.CHECKING, ImportJob.Status.IMPORTING)
FAILED = ImportJob.Status.FAILED


def lease_seconds() -> int:
    """A running job whose heartbeat is older than this is taken for dead."""
    return int(getattr(settings, "EMPLOYEE_IMPORT_LEASE_SECONDS", 120))


def requeue_seconds() -> int:
    """A job queued this long that no worker has started is handed to the queue again:
    the task may have been lost with the queue (Redis restarted empty)."""
    return int(getattr(settings, "EMPLOYEE_IMPORT_REQUEUE_SECONDS", 120))


def queue_seconds() -> int:
    """A job queued this long without any worker starting it is taken as lost."""
    return int(getattr(settings, "EMPLOYEE_IMPORT_QUEUE_SECONDS", 15 * 60))


# -- status changes -------------------------------------------------------------------


def _save(job: ImportJob, *, user=None, **changes) -> None:
    """Record a status change of the job, with its history row (every status is audited).

    Heartbeats and row-by-row progress are not written here (see :class:`Heartbeat`),
    so the history holds one row per status, not per batch.
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


def _queued(**changes) -> dict:
    """The fields of a job handed to a worker that has not started it yet."""
    return {"queued_at": timezone.now(), "run_token": "", "heartbeat_at": None, **changes}


def queue_check(job: ImportJob, *, user=None) -> None:
    """(Again) hand the job's file to a check; the report of an earlier run is dropped."""
    _save(job, user=user, **_queued(status=ImportJob.Status.CHECKING, report={}, finished_at=None))


def claim_job(job: ImportJob, *, user=None) -> bool:
    """Move a checked job to "importing" once: a double click or a second tab gets False."""
    with tenant_transaction(job.tenant):
        # The row lock makes the check and the change one step.
        current = ImportJob.objects.select_for_update().get(pk=job.pk)
        if current.status != ImportJob.Status.READY:
            return False
        report = {k: v for k, v in (current.report or {}).items() if k != "notice"}
        _save(job, user=user, **_queued(status=ImportJob.Status.IMPORTING, report=report))
    return True


def start_run(job: ImportJob, status: str) -> str | None:
    """Take the lease of a queued job: its token, or None when the job is not
    waiting in ``status`` or another worker already runs it (a duplicate task)."""
    with tenant_transaction(job.tenant):
        current = ImportJob.objects.select_for_update().get(pk=job.pk)
        if current.status != status or current.run_token:
            return None
        token = uuid.uuid4().hex
        now = timezone.now()
        # No history row: the status does not change.
        ImportJob.objects.filter(pk=job.pk).update(
            run_token=token, heartbeat_at=now, processed_rows=0
        )
    job.run_token, job.heartbeat_at, job.processed_rows = token, now, 0
    return token


def release_run(job: ImportJob, token: str) -> None:
    """Give the lease back after a transient failure, so that the task's retry can start."""
    try:
        with tenant_transaction(job.tenant):
            ImportJob.objects.filter(pk=job.pk, run_token=token).update(**_queued())
    except Exception:  # the database may be what failed; the watchdog follows up
        logger.warning("import job %s: could not release its lease", job.pk, exc_info=True)


def _finish(job: ImportJob, token: str, *, user=None, **changes) -> bool:
    """Write the run's result if the run still holds the lease (else False, nothing written).

    Inside a transaction already open (the import's), the result commits with
    the rows it describes: an import is DONE exactly when its rows exist.
    """
    with tenant_transaction(job.tenant):
        current = ImportJob.objects.select_for_update().filter(pk=job.pk, run_token=token).first()
        if current is None:
            logger.warning("import job %s: lease lost; the result of this run is dropped", job.pk)
            return False
        _save(job, user=user, run_token="", heartbeat_at=None, **changes)
    return True


class LeaseLost(Exception):
    """The watchdog gave this run up for dead and the job was restarted: undo it."""


# -- heartbeat and progress --------------------------------------------------------------


def progress_key(job_id: int) -> str:
    return f"employees:import:{job_id}:progress"


def current_progress(job: ImportJob) -> int:
    """Rows done so far. A running job's latest count is in the cache (keys carry
    the tenant); when the cache fails, the count of its last heartbeat."""
    if job.status in RUNNING:
        try:
            cached = cache.get(progress_key(job.pk))
        except Exception:  # a broken cache must not break the status page
            logger.warning("import job %s: progress cache unavailable", job.pk, exc_info=True)
            cached = None
        return max(cached or 0, job.processed_rows)
    return job.processed_rows


class Heartbeat:
    """A running job's sign of life: every HEARTBEAT_ROWS rows or HEARTBEAT_SECONDS,
    the rows done so far go to the cache (for the progress bar) and, with the time,
    to the job's row, in a one-statement transaction on a connection of its own,
    so they are visible while the import's long transaction is still open.

    Off for inline runs: those happen inside the web request's transaction, and
    a request has no worker that could die alone.
    """

    def __init__(self, job: ImportJob, token: str, *, enabled: bool):
        self.job, self.token, self.enabled = job, token, enabled
        self._connection = None
        self._last_rows = 0
        self._last_time = time.monotonic()

    def __enter__(self) -> Heartbeat:
        return self

    def __exit__(self, *exc) -> None:
        if self._connection is not None:
            try:
                self._connection.close()
            except Exception:
                logger.debug("heartbeat connection did not close cleanly", exc_info=True)

    def __call__(self, rows: int) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if rows - self._last_rows < HEARTBEAT_ROWS and now - self._last_time < HEARTBEAT_SECONDS:
            return
        self._last_rows, self._last_time = rows, now
        self.beat(rows)

    def beat(self, rows: int) -> None:
        try:
            cache.set(progress_key(self.job.pk), rows, 3600)
        except Exception:  # noqa: BLE001 - the database copy below is the fallback
            logger.warning("import job %s: progress cache unavailable", self.job.pk)
        try:
            self._write(rows)
        except Exception:  # a missed beat only brings the watchdog closer
            logger.warning("import job %s: heartbeat not written", self.job.pk, exc_info=True)
            self._reset_connection()

    def _write(self, rows: int) -> None:
        connection = self._own_connection()
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # Never wait long for a lock: a beat is worth less than the import.
                cursor.execute("SET LOCAL lock_timeout = '2s'")
            cursor.execute(
                f"UPDATE {quote(ImportJob._meta.db_table)}"
                f" SET {quote('heartbeat_at')} = %s, {quote('processed_rows')} = %s"
                f" WHERE {quote('id')} = %s AND {quote('run_token')} = %s",
                [timezone.now(), rows, self.job.pk, self.token],
            )
        connection.commit()

    def _own_connection(self):
        if self._connection is None:
            default = connections[DEFAULT_DB_ALIAS]
            settings_dict = dict(default.settings_dict)
            if default.vendor == "sqlite":
                # SQLite has one writer: a beat that cannot write at once is skipped.
                settings_dict["OPTIONS"] = {**settings_dict.get("OPTIONS", {}), "timeout": 0}
            self._connection = type(default)(settings_dict, DEFAULT_DB_ALIAS)
            self._connection.ensure_connection()
            self._connection.set_autocommit(False)
        return self._connection

    def _reset_connection(self) -> None:
        if self._connection is not None:
            try:
                self._connection.rollback()
            except Exception:  # noqa: BLE001 - a broken connection is dropped and reopened
                self.__exit__()
                self._connection = None


# -- the runs -------------------------------------------------------------------------------


@contextmanager
def _opened(job: ImportJob):
    """The stored file, open for reading as a stream (never read whole)."""
    job.file.open("rb")
    try:
        yield job.file
    finally:
        job.file.close()


def row_count(job: ImportJob, *, stop_after: int) -> int:
    with _opened(job) as file:
        return count_rows(file, job.original_name, stop_after=stop_after)


def runs_inline(job: ImportJob) -> bool:
    """Small files are checked in the web request; the choice counts real rows
    (streamed, and only as far as the limit), whatever the format or line endings."""
    return row_count(job, stop_after=INLINE_ROW_LIMIT + 1) <= INLINE_ROW_LIMIT


def check_job(job: ImportJob, *, background: bool = False) -> ImportJob:
    """Read and check every row; nothing is written to the people tables.

    Never leaves the job in "checking": the file's own problems make it INVALID,
    anything unexpected FAILED with a plain sentence (the log has the details).
    A transient database error gives the lease back and is raised for a retry.
    """
    token = start_run(job, ImportJob.Status.CHECKING)
    if token is None:
        logger.info("import job %s: not waiting for a check; nothing to do", job.pk)
        return job
    with Heartbeat(job, token, enabled=background) as heartbeat:
        try:
            # No transaction around the check: on SQLite it would hold the write
            # lock for the whole file. The apply checks again in its transaction.
            with _opened(job) as file, tenant_context(job.tenant):
                headers, rows = open_table(file, job.original_name)
                report, _checked, _lookups = plan_import(
                    headers,
                    rows,
                    may_set_salary=job.may_set_salary,
                    on_row=heartbeat,
                    keep_values=False,
                )
        except ImportFileError as error:
            _finish(job, token, **_refusal(str(error)))
            return job
        except TRANSIENT_ERRORS:
            if not background:
                _finish(job, token, **_refusal(str(CHECK_FAILURE), status=FAILED, restart="check"))
            else:
                release_run(job, token)
            raise
        except Exception:
            logger.exception("employee import job %s: the check failed", job.pk)
            _finish(job, token, **_refusal(str(CHECK_FAILURE), status=FAILED, restart="check"))
            return job
    status = ImportJob.Status.READY if report.ok else ImportJob.Status.INVALID
    _finish(
        job,
        token,
        status=status,
        total_rows=report.total,
        processed_rows=report.total,
        report=report.as_dict(),
    )
    return job


def _refusal(message: str, *, status=ImportJob.Status.INVALID, **report) -> dict:
    return {
        "status": status,
        "report": {"file_error": message, **report},
        "finished_at": timezone.now(),
    }


def apply_job(job: ImportJob, *, user=None, background: bool = False) -> ImportJob:
    """Import all rows or none. The file is checked again: the data may have moved since.

    The job becomes DONE in the import's own transaction, and only while this
    run holds the lease: if the watchdog gave it up and the person restarted
    the import, this run rolls back whole (:class:`LeaseLost`).
    """
    if job.status == ImportJob.Status.READY:
        # Usually the page has claimed the job already; a caller that did not gets
        # the same one-time step.
        claim_job(job, user=user)
    token = start_run(job, ImportJob.Status.IMPORTING)
    if token is None:
        logger.info("import job %s: already running or finished; not run twice", job.pk)
        return job
    with Heartbeat(job, token, enabled=background) as heartbeat:
        try:
            with _opened(job) as file, tenant_transaction(job.tenant):
                report = import_employees(
                    file,
                    job.original_name,
                    may_set_salary=job.may_set_salary,
                    user=user,
                    on_row=heartbeat,
                    progress=heartbeat.beat if background else None,
                )
                if report.applied:
                    done = _finish(
                        job,
                        token,
                        user=user,
                        status=ImportJob.Status.DONE,
                        report=report.as_dict(),
                        processed_rows=report.created + report.updated,
                        finished_at=timezone.now(),
                    )
                    if not done:
                        raise LeaseLost
                    # In the import's transaction: the notice (and its outbox row)
                    # commits with the rows, so a worker dying now loses neither.
                    _announce(job)
        except ImportFileError as error:
            _finish(job, token, **_refusal(str(error)))
            return job
        except LimitReached as error:
            # Another create took the plan's last places since the check: all rolled back.
            _finish(job, token, **_refusal(" ".join(error.messages)))
            return job
        except LeaseLost:
            return job
        except TRANSIENT_ERRORS:
            # Rolled back whole: nothing was written, the retry starts afresh.
            if background:
                release_run(job, token)
            else:
                _finish(job, token, **_refusal(str(UNEXPECTED_FAILURE), status=FAILED))
            raise
        except Exception:
            # The raw text (SQL, a library's message) means nothing to the person
            # and may show internals; they get a plain sentence, the log the details.
            logger.exception("employee import job %s failed", job.pk)
            _finish(job, token, **_refusal(str(UNEXPECTED_FAILURE), status=FAILED))
            raise
    if not report.applied:
        # The data moved since the check: the new problems, nothing written.
        _finish(
            job,
            token,
            user=user,
            status=ImportJob.Status.INVALID,
            report=report.as_dict(),
            processed_rows=0,
            finished_at=timezone.now(),
        )
        _announce(job)
    return job


def _announce(job: ImportJob) -> None:
    """Tell the uploader that a background import ended: live and by email."""
    from modules.employees.notifications import import_finished

    import_finished(job)


# -- the watchdog ------------------------------------------------------------------------


def _hand_again(job: ImportJob) -> None:
    """Queue the job's task once more (through the outbox, so with this transaction).

    Safe however often it happens: the first run to take the lease does the work
    (``start_run``), and a copy that arrives later finds the job taken or finished.
    """
    from modules.employees.tasks import apply_import_job, check_import_job
    from opsplatform import outbox

    task = check_import_job if job.status == ImportJob.Status.CHECKING else apply_import_job
    outbox.emit_task(task, job.tenant_id, job.pk, tenant=job.tenant_id)
    logger.info(
        "import job %s: queued %s ago and not started; handed to the queue again",
        job.pk,
        job.queued_at,
    )


def release_stalled(*, now=None) -> list[int]:
    """Return this company's jobs whose worker died, or that no worker ever started,
    to a state the person can restart from. Runs inside the company's transaction
    (``for_each_active_tenant``). The ids of the jobs it returned.

    A job queued for ``requeue_seconds`` that no worker has started is handed to
    the queue again each pass (its task may have gone with an emptied Redis).
    A stalled check fails with a sentence and a "Check again" button; a stalled
    import goes back to "ready" (it is all or nothing, so nothing half-written
    exists) with a sentence and its Start button.
    """
    now = now or timezone.now()
    dead = now - timedelta(seconds=lease_seconds())
    lost = now - timedelta(seconds=queue_seconds())
    rehand = now - timedelta(seconds=requeue_seconds())
    released = []
    # order_by("pk") is intentional: a fixed lock order cannot deadlock.
    for job in ImportJob.objects.select_for_update().filter(status__in=RUNNING).order_by("pk"):
        started = job.heartbeat_at is not None
        if started and job.heartbeat_at >= dead:
            continue
        if not started and (job.queued_at or job.created_at) >= lost:
            if (job.queued_at or job.created_at) < rehand:
                _hand_again(job)
            continue
        was = job.status
        if was == ImportJob.Status.CHECKING:
            message = CHECK_STOPPED if started else CHECK_NOT_STARTED
            changes = _refusal(str(message), status=ImportJob.Status.FAILED, restart="check")
        else:
            message = IMPORT_STOPPED if started else IMPORT_NOT_STARTED
            changes = {
                "status": ImportJob.Status.READY,
                "report": {**(job.report or {}), "notice": str(message)},
                "processed_rows": 0,
            }
        # A cleared token also fences off the old worker, should it still be alive.
        _save(job, run_token="", heartbeat_at=None, **changes)
        logger.warning("import job %s was stalled in %s; released", job.pk, was)
        released.append(job.pk)
    return released
