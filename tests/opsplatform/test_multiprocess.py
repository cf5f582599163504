"""Run as several processes (issue 9): what one process decides, another
cannot decide again. Each race is two real processes with the same settings
and database, released at the same moment; exactly one of them wins."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from dj_database_url import parse
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection

from modules.employees.models import ImportJob
from opsplatform.tenancy import tenant_context
from tenants.links import handoff_token

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(settings.BASE_DIR)

PRELUDE = """
import os, sys
import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opsplatform.settings.test")
django.setup()
print("ready", flush=True)
sys.stdin.readline()  # released together with the other process
"""


@pytest.fixture
def same_database_env():
    """This process's environment, pointed at the test database the test is using."""
    if connection.vendor != "postgresql":
        pytest.skip("two processes share a test database on PostgreSQL only")
    url = os.environ["DATABASE_URL"]
    parse(url)  # a URL the settings understand
    base, _, _name = url.rpartition("/")
    return {
        **os.environ,
        "DATABASE_URL": f"{base}/{connection.settings_dict['NAME']}",
        "DJANGO_SETTINGS_MODULE": "opsplatform.settings.test",
        "PYTHONPATH": str(ROOT),
    }


def race(env: dict, body: str) -> list[str]:
    """Start two processes running ``body``, release them at once, return what each printed last."""
    script = PRELUDE + textwrap.dedent(body)
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", script],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    try:
        for process in processes:
            assert process.stdout.readline().strip() == "ready", process.stderr.read()
        for process in processes:
            process.stdin.write("go\n")
            process.stdin.flush()
        outputs = []
        for process in processes:
            out, err = process.communicate(timeout=60)
            assert process.returncode == 0, err
            outputs.append(out.strip().splitlines()[-1])
        return outputs
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()


def test_a_handoff_token_signs_in_once_across_two_processes(
    tenant_a, tenant_b, make_member, same_database_env
):
    user = make_member(tenant_a, "sam@shared.test")
    make_member(tenant_b, "sam@shared.test", user=user)
    token = handoff_token(user_id=user.pk, tenant_id=tenant_b.pk, nonce=secrets.token_urlsafe(16))

    statuses = race(
        same_database_env,
        f"""
        from django.test import Client

        response = Client(HTTP_HOST="globex.localhost").post(
            "/handoff/", {{"token": {token!r}}}, HTTP_ORIGIN="http://acme.localhost:8000"
        )
        print(response.status_code)
        """,
    )
    assert sorted(statuses) == ["302", "404"]


def test_a_ready_import_is_claimed_once_across_two_processes(tenant_a, same_database_env):
    with tenant_context(tenant_a):
        job = ImportJob.objects.create(
            file=ContentFile(b"employee_number,first_name\n", name="people.csv"),
            original_name="people.csv",
            status=ImportJob.Status.READY,
        )

    answers = race(
        same_database_env,
        f"""
        from modules.employees.jobs import claim_job
        from modules.employees.models import ImportJob
        from opsplatform.tenancy import tenant_context
        from tenants.models import Tenant

        with tenant_context(Tenant.objects.get(pk={tenant_a.pk})):
            job = ImportJob.objects.get(pk={job.pk})
        print(claim_job(job))
        """,
    )
    assert sorted(answers) == ["False", "True"]
    with tenant_context(tenant_a):
        job.refresh_from_db()
        assert job.status == ImportJob.Status.IMPORTING
        importing = job.history.filter(status=ImportJob.Status.IMPORTING)
        assert importing.count() == 1  # one claim, one history row
