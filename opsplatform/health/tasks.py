"""The worker's heartbeat: proof for /healthz that tasks are being run."""

from __future__ import annotations

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from opsplatform.health.checks import HEARTBEAT_NAME


def record_beat(name: str = HEARTBEAT_NAME):
    from opsplatform.models import WorkerHeartbeat

    beat, _ = WorkerHeartbeat.objects.update_or_create(
        name=name, defaults={"beat_at": timezone.now()}
    )
    return beat


# A periodic task runs only when a worker takes it off the queue, so a beat
# proves the scheduler, the queue and a worker all work, and that the queue is
# not so backed up that a one-minute task waits for minutes.
@db_periodic_task(crontab(minute="*"))
def worker_heartbeat() -> None:
    record_beat()
