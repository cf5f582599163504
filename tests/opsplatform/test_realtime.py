"""The workspace websocket: members of the host's company only, live pushes per tenant."""

from __future__ import annotations

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.db import transaction

from opsplatform.realtime.origin import SameHostOriginValidator, origin_matches_host
from opsplatform.realtime.publish import publish
from opsplatform.realtime.routing import websocket_urlpatterns
from opsplatform.realtime.tenancy import TenantWebsocketMiddleware, group_name
from opsplatform.tenancy import tenant_context

pytestmark = pytest.mark.django_db(transaction=True)


def _app(user):
    """The production stack (opsplatform.asgi) with the session lookup replaced by ``user``."""
    inner = TenantWebsocketMiddleware(URLRouter(websocket_urlpatterns))

    async def with_user(scope, receive, send):
        return await inner(dict(scope, user=user), receive, send)

    return SameHostOriginValidator(with_user)


_OWN = object()


def _connect(user, host: str, origin=_OWN):
    """A socket to ``host``, opened from a page of that same host unless ``origin`` says otherwise."""
    headers = [(b"host", host.encode())]
    if origin is _OWN:
        origin = f"http://{host}"
    if origin is not None:
        headers.append((b"origin", origin.encode()))
    return WebsocketCommunicator(_app(user), "/ws/workspace/", headers=headers)


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


# -- where a socket may be opened from -----------------------------------------------------


def test_the_deployed_stack_checks_the_origin_against_the_sockets_own_host():
    from opsplatform.asgi import application

    assert isinstance(application.application_mapping["websocket"], SameHostOriginValidator)


@pytest.mark.parametrize(
    "origin",
    [
        "http://globex.localhost:8000",  # another company's workspace, same browser
        "https://evil.example",  # any other site
        "http://acme.localhost:9999",  # same name, another port
        "https://acme.localhost.evil.example:8000",
        "null",
        None,  # no Origin at all
    ],
)
def test_a_socket_opened_from_anywhere_but_its_own_host_is_refused(
    tenant_a, tenant_b, owner_a, origin
):
    connected, _ = async_to_sync(_connect(owner_a, "acme.localhost:8000", origin=origin).connect)()
    assert not connected


def test_a_socket_opened_from_its_own_host_is_accepted(tenant_a, owner_a):
    async def scenario():
        communicator = _connect(owner_a, "acme.localhost:8000", origin="http://ACME.localhost:8000")
        connected, _ = await communicator.connect()
        await communicator.disconnect()
        return connected

    assert async_to_sync(scenario)()


def test_default_ports_are_the_same_host():
    assert origin_matches_host("https://acme.example.com", "acme.example.com:443")
    assert origin_matches_host("http://acme.example.com:80", "acme.example.com")
    assert not origin_matches_host("http://acme.example.com", "acme.example.com:443")
    assert not origin_matches_host("http://user@acme.example.com", "acme.example.com")


def test_a_deactivated_member_s_open_socket_is_closed(tenant_a, owner_a, make_member):
    from tenants import services
    from tenants.models import Membership

    colleague = make_member(tenant_a, "col@acme.test")

    def deactivate():
        with tenant_context(tenant_a):
            membership = Membership.objects.get(user=colleague)
        services.membership_deactivate(membership=membership, by=owner_a)

    async def scenario():
        theirs = _connect(colleague, "acme.localhost")
        owners = _connect(owner_a, "acme.localhost")
        for communicator in (theirs, owners):
            assert (await communicator.connect())[0]
            await communicator.receive_json_from()  # hello
        await sync_to_async(deactivate)()
        closed = await theirs.receive_output(timeout=2)
        # The company's pushes no longer reach them; the owner still gets them.
        await _publish(tenant_id=tenant_a.pk, payload={"type": "count", "value": 1})
        owner_got = await owners.receive_json_from()
        await owners.disconnect()
        return closed, owner_got

    closed, owner_got = async_to_sync(scenario)()
    assert closed == {"type": "websocket.close", "code": 4403}
    assert owner_got == {"type": "count", "value": 1}
