"""Import jobs survive their worker (issue 9): a lease with a heartbeat, a watchdog
that returns a stalled job to a state its uploader can restart from (and says so
on its page), retries with growing delays for transient failures, a run that
was given up for dead unable to write, and a broken cache that breaks nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import OperationalError, connection
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from modules.employees import jobs
from modules.employees.importing import lookups, plan
from modules.employees.models import Employee, ImportJob
from modules.employees.tasks import apply_import_job, check_import_job, release_stalled_import_jobs
from opsplatform.tenancy import tenant_context
from tests.modules.employees.helpers import csv_bytes
from tests.modules.employees.test_import import (  # noqa: F401 - fixtures
    GOOD_FILE,
    IMPORT_URL,
    by_testid,
    hr_client,
    job_id_of,
    org,
    upload,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def ready_job(hr_client, tenant_a):  # noqa: F811
    """A small file uploaded and checked: READY, two people to add."""
    job_id = job_id_of(upload(hr_client, GOOD_FILE))
    with tenant_context(tenant_a):
        yield ImportJob.objects.get(pk=job_id)


def page_of(client, job) -> str:
    return client.get(f"{IMPORT_URL}{job.pk}/").content.decode()


def stall(job, status, *, heartbeat_age=None, queued_age=None, started=True):
    """Make ``job`` look like a worker holds it in ``status``, quiet for a while."""
    now = timezone.now()
    ImportJob.objects.filter(pk=job.pk).update(
        status=status,
        run_token="deadbeef" if started else "",
        heartbeat_at=(now - heartbeat_age) if started else None,
        queued_at=now - (queued_age or timedelta(0)),
    )


# -- the watchdog ---------------------------------------------------------------------------


def test_an_import_whose_worker_died_is_ready_again_and_its_page_says_so(
    hr_client,  # noqa: F811
    ready_job,
):
    stall(ready_job, ImportJob.Status.IMPORTING, heartbeat_age=timedelta(minutes=5))

    release_stalled_import_jobs.call_local()

    ready_job.refresh_from_db()
    assert ready_job.status == ImportJob.Status.READY
    assert ready_job.run_token == ""
    html = page_of(hr_client, ready_job)
    assert by_testid(html, "import-notice") == (
        "The import stopped before it finished; nothing was saved. Start it again."
    )
    assert 'data-testid="import-confirm"' in html  # the Start button

    response = hr_client.post(f"{IMPORT_URL}{ready_job.pk}/", follow=True)

    assert "Imported: 2 added, 0 updated." in response.content.decode()
    ready_job.refresh_from_db()
    assert ready_job.status == ImportJob.Status.DONE
    assert "notice" not in ready_job.report


def test_a_running_import_with_a_fresh_heartbeat_is_left_alone(ready_job):
    stall(ready_job, ImportJob.Status.IMPORTING, heartbeat_age=timedelta(seconds=20))

    release_stalled_import_jobs.call_local()

    ready_job.refresh_from_db()
    assert ready_job.status == ImportJob.Status.IMPORTING
    assert ready_job.run_token == "deadbeef"


def test_an_import_no_worker_started_is_ready_again_after_the_queue_limit(ready_job):
    stall(ready_job, ImportJob.Status.IMPORTING, started=False, queued_age=timedelta(minutes=20))

    release_stalled_import_jobs.call_local()

    ready_job.refresh_from_db()
    assert ready_job.status == ImportJob.Status.READY
    assert ready_job.report["notice"].startswith("The import never started")


def test_a_queued_import_within_the_queue_limit_is_left_alone(ready_job):
    stall(ready_job, ImportJob.Status.IMPORTING, started=False, queued_age=timedelta(seconds=60))

    release_stalled_import_jobs.call_local()

    ready_job.refresh_from_db()
    assert ready_job.status == ImportJob.Status.IMPORTING


def test_a_queued_import_whose_task_was_lost_is_handed_to_the_queue_again(
    ready_job, django_capture_on_commit_callbacks
):
    # Redis restarted empty with the task in it: nothing will ever run the job,
    # until the watchdog queues it again (the test queue runs it at once).
    stall(ready_job, ImportJob.Status.IMPORTING, started=False, queued_age=timedelta(minutes=3))

    with django_capture_on_commit_callbacks(execute=True):
        release_stalled_import_jobs.call_local()

    ready_job.refresh_from_db()
    assert ready_job.status == ImportJob.Status.DONE
    assert Employee.objects.count() == 2


def test_a_queued_check_whose_task_was_lost_is_handed_to_the_queue_again(
    ready_job, django_capture_on_commit_callbacks
):
    ImportJob.objects.filter(pk=ready_job.pk).update(report={})
    stall(ready_job, ImportJob.Status.CHECKING, started=False, queued_age=timedelta(minutes=3))

    with django_capture_on_commit_callbacks(execute=True):
        release_stalled_import_jobs.call_local()

    ready_job.refresh_from_db()
    assert ready_job.status == ImportJob.Status.READY
    assert ready_job.report["to_create"] == 2


def test_a_check_whose_worker_died_fails_with_a_check_again_button(
    hr_client,  # noqa: F811
    ready_job,
):
    stall(ready_job, ImportJob.Status.CHECKING, heartbeat_age=timedelta(minutes=5))

    release_stalled_import_jobs.call_local()

    ready_job.refresh_from_db()
    assert ready_job.status == ImportJob.Status.FAILED
    html = page_of(hr_client, ready_job)
    assert by_testid(html, "import-file-error").startswith(
        "The check of this file stopped before it finished"
    )
    assert 'data-testid="import-check-again"' in html

    hr_client.post(f"{IMPORT_URL}{ready_job.pk}/", {"action": "check"})

    ready_job.refresh_from_db()
    assert ready_job.status == ImportJob.Status.READY
    assert ready_job.report["to_create"] == 2


def test_a_file_with_errors_cannot_be_checked_again_by_a_crafted_post(
    hr_client,  # noqa: F811
    tenant_a,
):
    bad = csv_bytes([{"employee_number": "A1", "first_name": "Ann", "department": "Nowhere"}])
    job_id = job_id_of(upload(hr_client, bad))

    response = hr_client.post(f"{IMPORT_URL}{job_id}/", {"action": "check"}, follow=True)

    assert "This file cannot be checked again." in response.content.decode()
    with tenant_context(tenant_a):
        assert ImportJob.objects.get(pk=job_id).status == ImportJob.Status.INVALID


def test_the_watchdog_returns_stalled_jobs_of_every_company(
    ready_job, tenant_b, owner_b, client_for
):
    globex_id = job_id_of(upload(client_for(tenant_b, owner_b), GOOD_FILE))
    stall(ready_job, ImportJob.Status.IMPORTING, heartbeat_age=timedelta(minutes=5))
    with tenant_context(tenant_b):
        stall(ImportJob.objects.get(pk=globex_id), "importing", heartbeat_age=timedelta(hours=1))

    release_stalled_import_jobs.call_local()

    assert ImportJob.objects.get(pk=ready_job.pk).status == ImportJob.Status.READY
    with tenant_context(tenant_b):
        assert ImportJob.objects.get(pk=globex_id).status == ImportJob.Status.READY


# -- leases: one run at a time, and a run given up for dead writes nothing -------------------


def test_an_import_delivered_twice_runs_once(ready_job, hr_a):
    assert jobs.claim_job(ready_job, user=hr_a)

    apply_import_job.call_local(ready_job.tenant_id, ready_job.pk)
    apply_import_job.call_local(ready_job.tenant_id, ready_job.pk)

    assert Employee.objects.count() == 2
    statuses = [row.status for row in ready_job.history.order_by("history_id")]
    assert statuses.count(ImportJob.Status.DONE) == 1


def test_a_run_given_up_for_dead_rolls_back_when_it_finishes_late(ready_job, hr_a, monkeypatch):
    # The first worker took the lease, then went quiet; the watchdog released
    # the job and the person started it again (a new, unstarted claim).
    assert jobs.claim_job(ready_job, user=hr_a)
    stale_token = jobs.start_run(ready_job, ImportJob.Status.IMPORTING)
    stall(ready_job, ImportJob.Status.IMPORTING, heartbeat_age=timedelta(minutes=5))
    ImportJob.objects.filter(pk=ready_job.pk).update(run_token=stale_token)
    jobs.release_stalled()
    ready_job.refresh_from_db()
    assert jobs.claim_job(ready_job, user=hr_a)

    # The old worker wakes up and finishes its import with its old token.
    monkeypatch.setattr(jobs, "start_run", lambda job, status: stale_token)
    jobs.apply_job(ready_job, user=hr_a, background=True)

    assert not Employee.objects.exists()  # its rows were rolled back
    assert ImportJob.objects.get(pk=ready_job.pk).status == ImportJob.Status.IMPORTING


def test_a_check_never_stays_checking_after_an_unexpected_error(
    hr_client,  # noqa: F811
    tenant_a,
    monkeypatch,
):
    def explode(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(plan, "check_against_file", explode)
    job_id = job_id_of(upload(hr_client, GOOD_FILE))

    with tenant_context(tenant_a):
        job = ImportJob.objects.get(pk=job_id)
    assert job.status == ImportJob.Status.FAILED
    html = page_of(hr_client, job)
    assert "The check of this file stopped on an unexpected error" in html
    assert "secret internals" not in html
    assert 'data-testid="import-check-again"' in html


# -- retries with growing delays ---------------------------------------------------------------


@pytest.fixture
def schedule():
    HUEY.flush()
    yield HUEY
    HUEY.flush()


def test_a_transient_failure_of_a_check_is_retried_with_growing_delays(
    hr_client,  # noqa: F811
    tenant_a,
    monkeypatch,
    schedule,
    django_capture_on_commit_callbacks,
):
    monkeypatch.setattr(jobs, "INLINE_ROW_LIMIT", 1)
    failures = []

    def database_away():
        failures.append(1)
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(lookups.Lookups, "load", classmethod(lambda cls: database_away()))
    with django_capture_on_commit_callbacks(execute=True):
        job_id = job_id_of(upload(hr_client, GOOD_FILE))

    def next_retry():
        (task,) = schedule.scheduled()
        schedule.storage.flush_schedule()
        return task, (task.eta - timezone.now().replace(tzinfo=None)).total_seconds()

    task, wait = next_retry()
    assert len(failures) == 1 and 5 < wait <= 10
    with tenant_context(tenant_a):
        job = ImportJob.objects.get(pk=job_id)
    assert job.status == ImportJob.Status.CHECKING and job.run_token == ""  # lease given back

    schedule.execute(task, timestamp=task.eta)  # as the consumer does when the time comes
    task, wait = next_retry()
    assert len(failures) == 2 and 15 < wait <= 20  # the delay grows

    monkeypatch.undo()
    schedule.execute(task, timestamp=task.eta)
    with tenant_context(tenant_a):
        assert ImportJob.objects.get(pk=job_id).status == ImportJob.Status.READY
    assert schedule.scheduled() == []


def test_the_import_task_retries_with_the_same_growing_delays():
    for task in (check_import_job, apply_import_job):
        instance = task.s(1, 1)
        assert (instance.retries, instance.retry_delay, instance.retry_backoff) == (4, 10, 2)


# -- the cache is only a helper ---------------------------------------------------------------


class BrokenCache:
    def get(self, *args, **kwargs):
        raise ConnectionError("redis is down")

    set = delete = get


def test_a_broken_cache_does_not_break_a_background_import_or_its_status(
    hr_client,  # noqa: F811
    ready_job,
    hr_a,
    monkeypatch,
):
    monkeypatch.setattr(jobs, "cache", BrokenCache())
    assert jobs.claim_job(ready_job, user=hr_a)

    apply_import_job.call_local(ready_job.tenant_id, ready_job.pk)

    assert Employee.objects.count() == 2
    status = hr_client.get(f"{IMPORT_URL}{ready_job.pk}/status/").json()
    assert status["status"] == "done" and status["processed"] == 2


def test_the_status_of_a_running_import_falls_back_to_its_last_heartbeat(
    hr_client,  # noqa: F811
    ready_job,
    monkeypatch,
):
    stall(ready_job, ImportJob.Status.IMPORTING, heartbeat_age=timedelta(seconds=5))
    ImportJob.objects.filter(pk=ready_job.pk).update(processed_rows=1)
    monkeypatch.setattr(jobs, "cache", BrokenCache())

    status = hr_client.get(f"{IMPORT_URL}{ready_job.pk}/status/").json()
    page = hr_client.get(f"{IMPORT_URL}{ready_job.pk}/")

    assert (status["processed"], status["total"], status["percent"]) == (1, 2, 50)
    assert page.status_code == 200


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite has one writer: a beat during the import's transaction is skipped by design",
)
def test_the_heartbeat_is_seen_while_the_import_transaction_is_open(ready_job):
    from opsplatform.tenancy.rls import tenant_transaction

    ImportJob.objects.filter(pk=ready_job.pk).update(status=ImportJob.Status.IMPORTING)
    token = jobs.start_run(ready_job, ImportJob.Status.IMPORTING)
    before = ImportJob.objects.get(pk=ready_job.pk).heartbeat_at

    with (
        tenant_transaction(ready_job.tenant),
        jobs.Heartbeat(ready_job, token, enabled=True) as beat,
    ):
        Employee.objects.create(employee_number="T1", first_name="Inside", hire_date="2024-01-01")
        beat.beat(123)
        # Read from outside the open transaction, as the watchdog would.
        outside = jobs.Heartbeat(ready_job, token, enabled=True)._own_connection()
        with outside.cursor() as cursor:
            cursor.execute(
                "SELECT processed_rows, heartbeat_at FROM employees_importjob WHERE id = %s",
                [ready_job.pk],
            )
            processed, heartbeat_at = cursor.fetchone()
        outside.close()

    assert processed == 123 and heartbeat_at > before
