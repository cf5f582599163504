"""The outbox's huey tasks: the relay after each commit, and the sweeper."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

# How many due messages one company hands to one relay task per sweep; the
# rest wait for the next minute's sweep (a backlog drains, it does not flood).
SWEEP_BATCH = 500

logger = logging.getLogger(__name__)


@db_task()
def relay_outbox(tenant_id: int, message_ids: list[int]) -> None:
    """Deliver these messages of one company, each in its own transaction."""
    from opsplatform.outbox.relay import deliver
    from tenants.models import Tenant

    tenant = Tenant.objects.filter(pk=tenant_id).first()
    if tenant is None:
        return
    for message_id in message_ids:
        try:
            deliver(tenant, message_id)
        except Exception:  # e.g. an after-commit live push; the rest still go
            logger.exception("Outbox: relay of message %s stopped", message_id)


@db_periodic_task(crontab(minute="*"))
def sweep_outbox() -> None:
    """Every minute: enqueue each active company's messages that are due (a lost
    enqueue, a retry whose backoff has passed)."""
    from opsplatform.outbox.sweep import sweep

    sweep()


@db_periodic_task(crontab(hour="3", minute="30"))
def prune_outbox() -> None:
    """Daily: forget each active company's messages delivered over a week ago."""
    from opsplatform.outbox.sweep import prune

    prune()
