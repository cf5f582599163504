"""Send a live update to a tenant's group, or one member's, after the transaction commits."""

from __future__ import annotations

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

from opsplatform.realtime.tenancy import group_name


def publish(*, tenant_id: int, payload: dict, user_id: int | None = None) -> None:
    group = group_name(tenant_id, "user", user_id) if user_id else group_name(tenant_id)

    def send():
        layer = get_channel_layer()
        if layer is not None:
            async_to_sync(layer.group_send)(group, {"type": "push", "payload": payload})

    transaction.on_commit(send)
