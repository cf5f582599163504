"""Uploading a large import while the task queue is down: the page answers as usual,
the job is saved with its check waiting in the outbox (not stuck with no task
behind it), and the check runs once the queue is back."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from modules.employees import jobs
from modules.employees.models import Employee, ImportJob
from opsplatform.outbox.models import OutboxMessage
from opsplatform.tenancy import tenant_context
from tests.modules.employees.factories import DepartmentFactory

pytestmark = pytest.mark.django_db

IMPORT_URL = "/admin/employees/employee/import/"


def people_csv(n: int) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=["employee_number", "first_name", "department"])
    writer.writeheader()
    for i in range(n):
        writer.writerow({"employee_number": f"Q{i:03d}", "first_name": "P", "department": "Ops"})
    return out.getvalue().encode()


def test_a_background_import_with_the_queue_down_waits_and_then_runs(
    tenant_a,
    make_member,
    client_for,
    monkeypatch,
    django_capture_on_commit_callbacks,
    outbox_sweep_at,
):
    from tests.broken_queue import queue_down

    hr = make_member(tenant_a, "hr@acme.test", roles=["hr"])
    with tenant_context(tenant_a):
        DepartmentFactory(name="Ops", code="OPS")
    monkeypatch.setattr(jobs, "INLINE_ROW_LIMIT", 5)  # 30 rows: the background path
    client = client_for(tenant_a, hr)

    with queue_down(), django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            IMPORT_URL, {"file": SimpleUploadedFile("big.csv", people_csv(30), "text/csv")}
        )

    assert response.status_code == 302
    job_id = int(re.search(r"/import/(\d+)/$", response["Location"]).group(1))
    with tenant_context(tenant_a):
        job = ImportJob.objects.get(pk=job_id)
        (message,) = OutboxMessage.objects.filter(handler="outbox.huey_task")
    assert message.status == OutboxMessage.Status.PENDING
    assert message.payload == {
        "task": "modules.employees.tasks.check_import_job",
        "args": [tenant_a.pk, job_id],
    }
    assert job.status != ImportJob.Status.READY  # not checked yet
    assert client.get(f"{IMPORT_URL}{job_id}/").status_code == 200

    outbox_sweep_at(minutes=1.5)

    with tenant_context(tenant_a):
        job.refresh_from_db()
        message.refresh_from_db()
    assert job.status == ImportJob.Status.READY
    assert job.total_rows == 30
    assert message.status == OutboxMessage.Status.DONE

    # Confirming while the queue is down again: the import waits, then runs once.
    with queue_down(), django_capture_on_commit_callbacks(execute=True):
        confirm = client.post(f"{IMPORT_URL}{job_id}/", follow=True)
    assert confirm.status_code == 200
    assert "runs in the background" in confirm.content.decode()

    outbox_sweep_at(minutes=1.5)

    with tenant_context(tenant_a):
        job.refresh_from_db()
        assert job.status == ImportJob.Status.DONE
        assert Employee.objects.count() == 30
        assert not OutboxMessage.objects.exclude(status=OutboxMessage.Status.DONE).exists()
