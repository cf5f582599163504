"""Storing a verified event, processing it once, and what picks up the rest.

The endpoint stores the event and asks huey to process it after the commit.
When that enqueue is lost (Redis down, a worker that died), the event stays
``received`` and is not lost: the sweep (every minute, and the reconcile)
enqueues every event still received a couple of minutes after it arrived.
"""

from __future__ import annotations

import logging
import traceback
from datetime import UTC, datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from opsplatform.billing.models import WebhookEvent
from opsplatform.billing.webhooks.registry import handler_for

logger = logging.getLogger(__name__)

Status = WebhookEvent.Status

# An event still received this long after it arrived lost its enqueue; the
# sweep leaves younger ones to the task the endpoint enqueued.
SWEEP_AFTER = timedelta(minutes=2)
SWEEP_BATCH = 500
# How much of a handler's traceback an event keeps for platform staff.
ERROR_CHARS = 4000


def event_store(event: dict) -> WebhookEvent | None:
    """Store a verified Stripe event; None when it is already stored (a duplicate)."""
    row = WebhookEvent(
        stripe_id=event["id"],
        type=str(event.get("type") or "")[:64],
        payload=event,
        created=datetime.fromtimestamp(int(event.get("created") or 0), tz=UTC),
    )
    try:
        # A savepoint: losing the race to a duplicate leaves the caller's transaction usable.
        with transaction.atomic():
            row.save(force_insert=True)
    except IntegrityError:
        if WebhookEvent.objects.filter(stripe_id=row.stripe_id).exists():
            return None
        raise
    event_id = row.pk
    transaction.on_commit(lambda: enqueue(event_id))
    return row


def enqueue(event_id: int) -> bool:
    """Hand one event to huey; a queue that is down is logged, never raised (the
    event is stored and the sweep will enqueue it)."""
    from opsplatform.billing.tasks import process_webhook_event

    try:
        process_webhook_event(event_id)
    except Exception as exc:  # noqa: BLE001 - Redis down, a full queue: the sweep covers it
        logger.warning(
            "Billing: could not enqueue Stripe event %s (%s: %s); the sweep will",
            event_id,
            type(exc).__name__,
            exc,
        )
        return False
    return True


def event_process(event_id: int, *, statuses=(Status.RECEIVED,)) -> WebhookEvent | None:
    """Process one stored event, once: only while it is in ``statuses`` (received).

    The row lock makes two workers (the endpoint's task and the sweep's) process
    it once: the second skips the locked row, then finds it done. The handler runs
    in a savepoint, so a failure rolls back all it wrote and is recorded on the event.
    """
    with transaction.atomic():
        event = (
            WebhookEvent.objects.select_for_update(skip_locked=True)
            .filter(pk=event_id, status__in=list(statuses))
            .first()
        )
        if event is None:
            return None
        handler = handler_for(event.type)
        event.attempts += 1
        event.processed_at = timezone.now()
        if handler is None:
            event.status = Status.IGNORED
            event.error = ""
        else:
            try:
                with transaction.atomic():
                    tenant = handler(event)
            except Exception as error:  # recorded on the event for staff
                logger.exception(
                    "Billing: Stripe event %s (%s) failed", event.stripe_id, event.type
                )
                event.status = Status.FAILED
                event.error = _error_text(error)
            else:
                event.status = Status.PROCESSED
                event.error = ""
                if tenant is not None:
                    event.tenant = tenant
        event.save(update_fields=["status", "error", "attempts", "processed_at", "tenant"])
    return event


def _error_text(error: Exception) -> str:
    summary = f"{type(error).__name__}: {error}"
    detail = "".join(traceback.format_exception(error))
    return f"{summary}\n\n{detail}"[:ERROR_CHARS]


def event_retry(*, event_id: int) -> WebhookEvent | None:
    """Platform staff: process a failed event again, now (None: it is not failed).
    Returns the event as it stands after the attempt (processed, or failed again)."""
    return event_process(event_id, statuses=(Status.FAILED,))


def sweep_received(now=None) -> list[int]:
    """Enqueue the events still received ``SWEEP_AFTER`` after they arrived."""
    before = (now or timezone.now()) - SWEEP_AFTER
    ids = list(
        WebhookEvent.objects.filter(status=Status.RECEIVED, received_at__lte=before)
        .order_by("received_at", "pk")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    for event_id in ids:
        enqueue(event_id)
    return ids
