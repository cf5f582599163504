"""The channel layer down (Redis, in production): writes commit and pages work,
the socket is refused and the page retries; live updates resume once the
layer is back, and an open socket joins its groups again by itself."""

from __future__ import annotations

import logging

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction
from django.test import override_settings

from opsplatform.realtime import consumers
from opsplatform.realtime.publish import close_member_sockets, group_send_now, publish
from opsplatform.realtime.tenancy import group_name
from tests.broken_channel_layer import BROKEN_LAYER
from tests.opsplatform.test_realtime import _connect, _publish

pytestmark = pytest.mark.django_db(transaction=True)


@override_settings(CHANNEL_LAYERS=BROKEN_LAYER)
def test_a_push_after_commit_is_logged_not_raised(tenant_a, owner_a, caplog):
    with caplog.at_level(logging.WARNING, logger="opsplatform.realtime.publish"):
        with transaction.atomic():  # the commit runs the push; it must not raise
            publish(tenant_id=tenant_a.pk, payload={"type": "count"})
            close_member_sockets(tenant_id=tenant_a.pk, user_id=owner_a.pk)
    assert f"Live update to {group_name(tenant_a.pk)} not sent" in caplog.text
    assert group_send_now(group_name(tenant_a.pk), {"type": "count"}) is False


def test_the_socket_is_refused_while_the_layer_is_down_and_works_once_it_is_back(tenant_a, owner_a):
    async def try_connect():
        communicator = _connect(owner_a, "acme.localhost")
        connected, code = await communicator.connect()
        if connected:
            await communicator.receive_json_from()  # hello
        return communicator, connected, code

    async def down():
        communicator, connected, code = await try_connect()
        return connected, code

    with override_settings(CHANNEL_LAYERS=BROKEN_LAYER):
        connected, code = async_to_sync(down)()
    assert not connected
    assert code == consumers.LAYER_DOWN_CODE  # not 4403: the page's script tries again

    async def back():
        communicator, connected, _ = await try_connect()
        await _publish(tenant_id=tenant_a.pk, payload={"type": "count", "value": 1})
        message = await communicator.receive_json_from(timeout=5)
        await communicator.disconnect()
        return connected, message

    connected, message = async_to_sync(back)()
    assert connected
    assert message == {"type": "count", "value": 1}


def test_an_open_socket_that_the_layer_forgot_joins_its_groups_again(
    tenant_a, owner_a, monkeypatch
):
    monkeypatch.setattr(consumers, "REJOIN_SECONDS", 0.2)

    async def scenario():
        communicator = _connect(owner_a, "acme.localhost")
        await communicator.connect()
        await communicator.receive_json_from()
        layer = get_channel_layer()
        # What a Redis restarted empty (or the group expiry) does to a member.
        channel = next(iter(await _members(layer, group_name(tenant_a.pk))))
        await layer.group_discard(group_name(tenant_a.pk), channel)
        await communicator.receive_nothing(timeout=0.5)  # the keeper runs meanwhile
        await _publish(tenant_id=tenant_a.pk, payload={"type": "count", "value": 2})
        message = await communicator.receive_json_from(timeout=5)
        await communicator.disconnect()
        return message

    assert async_to_sync(scenario)() == {"type": "count", "value": 2}


def test_an_open_socket_is_closed_when_the_layer_goes_down_so_the_page_reconnects(
    tenant_a, owner_a, monkeypatch
):
    monkeypatch.setattr(consumers, "REJOIN_SECONDS", 0.1)

    async def scenario():
        communicator = _connect(owner_a, "acme.localhost")
        await communicator.connect()
        await communicator.receive_json_from()
        layer = get_channel_layer()

        async def down(*args, **kwargs):
            raise ConnectionError("Redis went away")

        monkeypatch.setattr(layer, "group_add", down)
        closed = await communicator.receive_output(timeout=3)
        await communicator.wait()
        return closed

    assert async_to_sync(scenario)() == {"type": "websocket.close", "code": 1013}


async def _members(layer, group: str) -> set[str]:
    """The channels in a group, on the in-memory layer or channels-redis."""
    if hasattr(layer, "groups"):  # InMemoryChannelLayer
        return set(layer.groups.get(group, {}))
    connection = layer.connection(layer.consistent_hash(group))
    return {member.decode() for member in await connection.zrange(layer._group_key(group), 0, -1)}
