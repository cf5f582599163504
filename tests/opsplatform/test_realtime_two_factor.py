"""A password alone opens no page of a workspace whose sign-in asks for a code,
so it opens no websocket either."""

from __future__ import annotations

import pytest
from asgiref.sync import async_to_sync
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from opsplatform.realtime.origin import SameHostOriginValidator
from opsplatform.realtime.routing import websocket_urlpatterns
from opsplatform.realtime.tenancy import TenantWebsocketMiddleware

pytestmark = pytest.mark.django_db(transaction=True)

HOST = "acme.localhost:8000"


def _connects(user, session: dict) -> bool:
    inner = TenantWebsocketMiddleware(URLRouter(websocket_urlpatterns))

    async def with_session(scope, receive, send):
        return await inner(dict(scope, user=user, session=session), receive, send)

    async def scenario():
        communicator = WebsocketCommunicator(
            SameHostOriginValidator(with_session),
            "/ws/workspace/",
            headers=[(b"host", HOST.encode()), (b"origin", f"http://{HOST}".encode())],
        )
        connected, _ = await communicator.connect()
        await communicator.disconnect()
        return connected

    return async_to_sync(scenario)()


def test_a_member_with_an_authenticator_needs_a_verified_session(tenant_a, owner_a):
    device = TOTPDevice.objects.create(user=owner_a, name="phone", confirmed=True)

    assert not _connects(owner_a, {})
    assert _connects(owner_a, {DEVICE_ID_SESSION_KEY: device.persistent_id})


def test_another_persons_device_does_not_verify_the_session(tenant_a, owner_a, make_member):
    other = make_member(tenant_a, "other@acme.test")
    theirs = TOTPDevice.objects.create(user=other, name="phone", confirmed=True)
    TOTPDevice.objects.create(user=owner_a, name="phone", confirmed=True)

    assert not _connects(owner_a, {DEVICE_ID_SESSION_KEY: theirs.persistent_id})


def test_a_company_that_requires_two_factor_refuses_an_unenrolled_member(tenant_a, owner_a):
    assert _connects(owner_a, {})
    tenant_a.require_two_factor = True
    tenant_a.save()

    assert not _connects(owner_a, {})
