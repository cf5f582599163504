"""The workspace websocket: members of the host's company only, live pushes per tenant."""

from __future__ import annotations

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.db import transaction

from opsplatform.realtime.publish import publish
from opsplatform.realtime.routing import websocket_urlpatterns
from opsplatform.realtime.tenancy import TenantWebsocketMiddleware, group_name

pytestmark = pytest.mark.django_db(transaction=True)


def _app(user):
    inner = TenantWebsocketMiddleware(URLRouter(websocket_urlpatterns))

    async def with_user(scope, receive, send):
        return await inner(dict(scope, user=user), receive, send)

    return with_user


def _connect(user, host: str):
    communicator = WebsocketCommunicator(
        _app(user), "/ws/workspace/", headers=[(b"host", host.encode())]
    )
    return communicator


def _publish(**kwargs):
    """Publish as a service would: inside a transaction, delivered on commit."""

    def run():
        with transaction.atomic():
            publish(**kwargs)

    return sync_to_async(run)()


def test_member_connects_and_receives_pushes_for_their_company(tenant_a, owner_a):
    async def scenario():
        communicator = _connect(owner_a, "acme.localhost:8000")
        connected, _ = await communicator.connect()
        assert connected
        assert (await communicator.receive_json_from())["type"] == "hello"

        await _publish(tenant_id=tenant_a.pk, payload={"type": "count", "value": 3})
        assert await communicator.receive_json_from() == {"type": "count", "value": 3}

        await _publish(tenant_id=tenant_a.pk, user_id=owner_a.pk, payload={"type": "mine"})
        assert await communicator.receive_json_from() == {"type": "mine"}
        await communicator.disconnect()

    async_to_sync(scenario)()


def test_another_companys_push_does_not_arrive(tenant_a, tenant_b, owner_a):
    async def scenario():
        communicator = _connect(owner_a, "acme.localhost")
        await communicator.connect()
        await communicator.receive_json_from()
        await _publish(tenant_id=tenant_b.pk, payload={"type": "secret"})
        assert await communicator.receive_nothing(timeout=0.2)
        await communicator.disconnect()

    async_to_sync(scenario)()


def test_non_member_and_unknown_host_are_refused(tenant_a, tenant_b, owner_b):
    connected, _ = async_to_sync(_connect(owner_b, "acme.localhost").connect)()
    assert not connected
    connected, _ = async_to_sync(_connect(owner_b, "nowhere.localhost").connect)()
    assert not connected


def test_group_names_carry_the_tenant_id():
    assert group_name(7) == "tenant-7"
    assert group_name(7, "user", 3) == "tenant-7-user-3"
