"""A channel layer that fails every call, as channels-redis does when Redis is down.

Tests install it with override_settings(CHANNEL_LAYERS=BROKEN_LAYER) to prove
that pages and writes do not depend on live updates (tests/broken_cache.py is
the same for the cache).
"""

from __future__ import annotations

import uuid

from channels.layers import BaseChannelLayer


class LayerDown(ConnectionError):
    pass


class BrokenChannelLayer(BaseChannelLayer):
    extensions = ["groups", "flush"]

    async def _fail(self, *args, **kwargs):
        raise LayerDown("Error 111 connecting to 127.0.0.1:6399. Connection refused.")

    async def new_channel(self, prefix="specific"):
        # channels-redis names a channel without asking Redis; receiving on it fails.
        return f"{prefix}.broken!{uuid.uuid4().hex}"

    send = receive = group_add = group_discard = group_send = flush = _fail


BROKEN_LAYER = {"default": {"BACKEND": "tests.broken_channel_layer.BrokenChannelLayer"}}
