"""Every write to the outbox: emitting a message, and staff's retry of a failed one."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from opsplatform.outbox.models import OutboxAttention, OutboxMessage
from opsplatform.outbox.registry import get_handler
from opsplatform.tenancy.context import get_current_tenant, tenant_context
from opsplatform.tenancy.rls import tenant_transaction

logger = logging.getLogger(__name__)

# The relay normally delivers within seconds of the commit; the sweeper steps
# in for a message still pending this long after (its enqueue was lost).
SWEEP_AFTER = timedelta(minutes=1)


def _tenant_id(tenant) -> int:
    return tenant if isinstance(tenant, int) else tenant.pk


def _scope(tenant_id: int):
    """The tenant scope to write in: the current one, or this tenant's."""
    from tenants.models import Tenant

    current = get_current_tenant()
    if current is not None and current.pk == tenant_id:
        return tenant_context(current)
    return tenant_context(Tenant.objects.get(pk=tenant_id))


def outbox_emit(*, name: str, tenant, payload: dict | None, dedupe_key: str = ""):
    """Write one pending message in the caller's transaction; after it commits,
    hand the message to the relay. Returns the message (None: deduplicated)."""
    get_handler(name)  # an unknown handler is a programming error: KeyError
    tenant_id = _tenant_id(tenant)
    message = OutboxMessage(
        tenant_id=tenant_id,
        handler=name,
        payload=dict(payload or {}),
        dedupe_key=dedupe_key,
        next_attempt_at=timezone.now() + SWEEP_AFTER,
    )
    with _scope(tenant_id):
        if dedupe_key:
            if OutboxMessage.objects.filter(
                handler=name, dedupe_key=dedupe_key, status=OutboxMessage.Status.PENDING
            ).exists():
                return None
            try:
                with transaction.atomic():
                    OutboxMessage.objects.bulk_create([message])
            except IntegrityError:  # another transaction emitted the same key just now
                return None
        else:
            # bulk_create: no history row (docs/outbox.md), one INSERT.
            OutboxMessage.objects.bulk_create([message])
    message_id = message.pk
    transaction.on_commit(lambda: relay_after_commit(tenant_id, [message_id]))
    return message


def relay_after_commit(tenant_id: int, message_ids: list[int]) -> bool:
    """Enqueue the relay for committed messages. A queue that is down is logged,
    never raised: the write has committed and the person must not see an
    error; the messages stay pending and the sweeper enqueues them later."""
    from opsplatform.outbox.tasks import relay_outbox

    try:
        relay_outbox(tenant_id, message_ids)
    except Exception as exc:  # noqa: BLE001 - Redis down, a full queue: the sweeper covers it
        logger.warning(
            "Outbox: could not enqueue messages %s of company %s (%s: %s); the sweeper will",
            message_ids,
            tenant_id,
            type(exc).__name__,
            exc,
        )
        return False
    return True


def outbox_retry(*, message_id: int) -> bool:
    """Platform staff: give a failed message a fresh set of attempts, now.

    The landlord finds the message's company through the crossing view, then
    writes inside that company's own transaction (row-level security holds).
    Returns False when the message is not (or no longer) failed.
    """
    from tenants.models import Tenant

    found = (
        OutboxAttention.objects.filter(pk=message_id, status=OutboxMessage.Status.FAILED)
        .values_list("tenant_id", flat=True)
        .first()
    )
    if found is None:
        return False
    tenant = Tenant.objects.get(pk=found)
    with tenant_transaction(tenant):
        try:
            with transaction.atomic():
                updated = (
                    OutboxMessage.objects.filter(pk=message_id, status=OutboxMessage.Status.FAILED)
                    # The last attempt's error stays until the next attempt overwrites it.
                    .update(
                        status=OutboxMessage.Status.PENDING,
                        attempts=0,
                        next_attempt_at=timezone.now(),
                    )
                )
        except IntegrityError:  # a newer message with its dedupe key already waits
            return False
        if updated:
            transaction.on_commit(lambda: relay_after_commit(tenant.pk, [message_id]))
    return bool(updated)
