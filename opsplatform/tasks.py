"""The kernel's huey tasks. The worker imports each installed app's ``tasks``
module; the kernel's own live in subpackages, so they are gathered here."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from opsplatform.health.tasks import worker_heartbeat
from opsplatform.realtime.tasks import send_to_group


@db_periodic_task(crontab(minute="*/15"))
def purge_spent_nonces() -> None:
    """Spent one-time tokens whose tokens have expired are no longer needed."""
    from opsplatform import onetime

    onetime.purge_expired()


__all__ = ["purge_spent_nonces", "send_to_group", "worker_heartbeat"]
