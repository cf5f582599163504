"""Send a live update to a tenant's group, one member's or a followed topic's, after the transaction commits."""

from __future__ import annotations

import asyncio
import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import transaction

from opsplatform.realtime.tenancy import group_name

logger = logging.getLogger(__name__)


def _group(tenant_id: int, user_id: int | None) -> str:
    return group_name(tenant_id, "user", user_id) if user_id else group_name(tenant_id)


def group_send_now(group: str, payload: dict) -> bool:
    """Send now; False (and logged) when the channel layer is down.

    A live push is a courtesy: the page shows the truth when it is next
    loaded. It runs after the transaction committed, so raising here would
    answer 500 for a write that is already saved; it is logged instead, with a
    timeout so that a Redis that hangs does not hold the request.
    """
    layer = get_channel_layer()
    if layer is None:
        return False
    try:
        async_to_sync(_send_with_timeout)(layer, group, {"type": "push", "payload": payload})
    except Exception:  # the layer's failure must not fail the write
        logger.warning(
            "Live update to %s not sent: channel layer unavailable.", group, exc_info=True
        )
        return False
    return True


async def _send_with_timeout(layer, group: str, message: dict) -> None:
    await asyncio.wait_for(
        layer.group_send(group, message), timeout=settings.CHANNEL_LAYER_TIMEOUT_SECONDS
    )


def publish(*, tenant_id: int, payload: dict, user_id: int | None = None) -> None:
    """Send from this process once the transaction commits."""
    group = _group(tenant_id, user_id)
    transaction.on_commit(lambda: group_send_now(group, payload))


def publish_topic(*, tenant_id: int, topic: str, object_id: int, payload: dict) -> None:
    """Send to the sockets following ``topic`` ``object_id`` (a ``LiveTopic``) once
    the transaction commits, from this process."""
    group = group_name(tenant_id, topic, object_id)
    transaction.on_commit(lambda: group_send_now(group, payload))


def publish_via_worker(*, tenant_id: int, payload: dict, user_id: int | None = None) -> None:
    """Hand the send to the huey worker once the transaction commits.

    For hot paths (an approval decision): a channel-layer round trip costs
    about 10 ms in the request, a queued task about one.

    Best effort, on purpose not through the outbox (docs/outbox.md): a live
    push is a nudge of the moment and the durable part (the notice, the
    request's state) is already committed and read on the next page load; a
    push replayed a minute later by the sweeper would show stale news. So a
    queue that is down is logged and the push is dropped, never an error for
    the person whose write has committed.
    """
    from opsplatform.realtime.tasks import send_to_group

    group = _group(tenant_id, user_id)

    def send() -> None:
        try:
            send_to_group(group, payload)
        except Exception:  # Redis down: the push is dropped, the write stands
            logger.warning("could not queue a live push to %s", group, exc_info=True)

    transaction.on_commit(send)


def close_member_sockets(*, tenant_id: int, user_id: int) -> None:
    """Close a member's open sockets in one company once the transaction commits.

    A socket checks membership only when it opens; without this a deactivated
    member would keep receiving pushes until they reload. Sent from this
    process (not the worker) so the door shuts as the page says it did; a
    channel layer that is down must not undo the deactivation, so it is logged.
    """
    group = group_name(tenant_id, "user", user_id)

    def send() -> None:
        layer = get_channel_layer()
        if layer is None:
            return
        try:
            async_to_sync(_send_with_timeout)(layer, group, {"type": "member.close"})
        except Exception:
            logger.exception("could not close the sockets of group %s", group)

    transaction.on_commit(send)
