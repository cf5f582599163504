"""The huey worker knows every task the code enqueues.

The worker (``run_huey``) imports each installed app's ``tasks`` module and
nothing else; a task defined elsewhere is enqueued fine by the web process but
refused by the worker ("not found in TaskRegistry"). This starts a fresh
interpreter, discovers tasks the way the worker does, and compares.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

ENQUEUED_BY_THE_CODE = {
    "opsplatform.realtime.tasks.send_to_group",
    "opsplatform.notifications.tasks.deliver_notifications",
    "modules.approvals.tasks.sweep_approval_deadlines",
    "modules.employees.tasks.check_import_job",
    "modules.employees.tasks.apply_import_job",
    "modules.employees.tasks.remind_expiring_documents",
    "tenants.tasks.send_invitation_email",
    "opsplatform.outbox.tasks.relay_outbox",
    "opsplatform.outbox.tasks.sweep_outbox",
    "opsplatform.outbox.tasks.prune_outbox",
}

SCRIPT = """
import django
django.setup()
from django.utils.module_loading import autodiscover_modules
autodiscover_modules("tasks")
from huey.contrib.djhuey import HUEY
print("\\n".join(HUEY._registry._registry))
"""


def test_the_worker_discovers_every_task():
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={"DJANGO_SETTINGS_MODULE": "opsplatform.settings", "PATH": "/usr/bin:/bin"},
        check=True,
    )
    registered = {line.strip() for line in result.stdout.splitlines() if line.strip()}
    assert ENQUEUED_BY_THE_CODE - registered == set()
