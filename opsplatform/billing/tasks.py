"""Billing's huey tasks: processing Stripe's events, their sweep, the reconcile."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

logger = logging.getLogger(__name__)


@db_task()
def process_webhook_event(event_id: int) -> None:
    """Process one stored Stripe event (enqueued by the endpoint after its commit)."""
    from opsplatform.billing.webhooks.processing import event_process

    event_process(event_id)


@db_periodic_task(crontab(minute="*"))
def sweep_webhook_events() -> None:
    """Every minute: events still received a while after they arrived (their
    enqueue was lost) are enqueued again."""
    from opsplatform.billing.webhooks.processing import sweep_received

    sweep_received()


@db_periodic_task(crontab(minute="17"))
def reconcile_subscriptions() -> None:
    """Hourly: every subscription with a Stripe id is brought in step with Stripe
    (missed or failed events), after the sweep of events still waiting."""
    from opsplatform.billing.reconcile import reconcile_all
    from opsplatform.billing.webhooks.processing import sweep_received

    sweep_received()
    reconcile_all()
