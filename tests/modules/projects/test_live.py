"""Live board updates at the websocket: who may follow a project, and what they receive."""

from __future__ import annotations

import asyncio

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator

from opsplatform.contract.registry import live_topic
from opsplatform.realtime.origin import SameHostOriginValidator
from opsplatform.realtime.routing import websocket_urlpatterns
from opsplatform.realtime.tenancy import TenantWebsocketMiddleware
from opsplatform.tenancy import tenant_context
from tests.modules.projects.factories import TaskFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _socket(user, host: str = "acme.localhost"):
    inner = TenantWebsocketMiddleware(URLRouter(websocket_urlpatterns))

    async def with_user(scope, receive, send):
        return await inner(dict(scope, user=user), receive, send)

    return WebsocketCommunicator(
        SameHostOriginValidator(with_user),
        "/ws/workspace/",
        headers=[(b"host", host.encode()), (b"origin", f"http://{host}".encode())],
    )


async def _open(user, host: str = "acme.localhost"):
    communicator = _socket(user, host)
    connected, _ = await communicator.connect()
    assert connected
    assert (await communicator.receive_json_from())["type"] == "hello"
    return communicator


def _move(team, task, column: str, user):
    from modules.projects.services.board import move_task

    def run():
        with tenant_context(team.tenant):
            move_task(task=task, column=team.columns[column], user=user)

    return sync_to_async(run)()


def test_the_project_declares_its_live_topic():
    topic = live_topic("project")
    assert topic is not None and topic.check == "modules.projects.live.may_follow"


def test_a_member_following_the_project_receives_another_persons_move(team):
    with tenant_context(team.tenant):
        task = TaskFactory(project=team.project, column=team.columns["Todo"])
        reference = task.reference

    async def scenario():
        socket = await _open(team.member2)
        await socket.send_json_to({"type": "follow", "topic": "project", "id": team.project.pk})
        assert await socket.receive_json_from() == {
            "type": "following",
            "topic": "project",
            "id": team.project.pk,
        }
        await _move(team, task, "Progress", team.member)
        pushed = await socket.receive_json_from(timeout=2)
        assert pushed["type"] == "projects.card_moved"
        assert pushed["task"] == task.pk and pushed["reference"] == reference
        assert pushed["column"] == team.columns["Progress"].pk
        assert pushed["actor"] == team.member.pk
        await socket.disconnect()

    async_to_sync(scenario)()


def test_finance_may_follow_what_it_may_see(team):
    async def scenario():
        socket = await _open(team.finance)
        await socket.send_json_to({"type": "follow", "topic": "project", "id": team.project.pk})
        assert (await socket.receive_json_from())["type"] == "following"
        await socket.disconnect()

    async_to_sync(scenario)()


def test_an_outsiders_follow_is_refused_and_receives_nothing(team):
    with tenant_context(team.tenant):
        task = TaskFactory(project=team.project, column=team.columns["Todo"])

    async def scenario():
        socket = await _open(team.outsider)
        await socket.send_json_to({"type": "follow", "topic": "project", "id": team.project.pk})
        assert (await socket.receive_json_from())["type"] == "follow_refused"
        await _move(team, task, "Progress", team.member)
        assert await socket.receive_nothing(timeout=0.3)
        await socket.disconnect()

    async_to_sync(scenario)()


def test_another_companys_project_id_is_refused(team, tenant_b, make_member):
    from tests.modules.projects.team import link, make_project

    owner_b = make_member(tenant_b, "boss@globex.test", roles=["owner"])
    with tenant_context(tenant_b):
        theirs, _ = make_project(code="GLX", manager=link(owner_b, "G-1"))
        theirs_id = theirs.pk

    async def scenario():
        # Acme's owner sees every Acme project, and still not Globex's.
        socket = await _open(team.owner)
        await socket.send_json_to({"type": "follow", "topic": "project", "id": theirs_id})
        assert (await socket.receive_json_from())["type"] == "follow_refused"
        await socket.disconnect()

    async_to_sync(scenario)()


@pytest.mark.parametrize(
    "message",
    [
        {"type": "follow", "topic": "nope", "id": 1},
        {"type": "follow", "topic": "project", "id": "x"},
        {"type": "follow", "topic": "project", "id": True},
        {"type": "follow", "topic": "project", "id": -4},
        {"type": "follow", "topic": ["project"], "id": 1},
    ],
)
def test_nonsense_follows_are_refused(team, message):
    async def scenario():
        socket = await _open(team.member)
        await socket.send_json_to(message)
        assert (await socket.receive_json_from())["type"] == "follow_refused"
        await socket.disconnect()

    async_to_sync(scenario)()


def test_a_member_removed_from_the_project_can_no_longer_follow_it(team):
    from modules.projects.models import ProjectMember

    with tenant_context(team.tenant):
        task = TaskFactory(project=team.project, column=team.columns["Todo"])

    async def scenario():
        socket = await _open(team.member)
        await socket.send_json_to({"type": "follow", "topic": "project", "id": team.project.pk})
        assert (await socket.receive_json_from())["type"] == "following"

        def remove():
            with tenant_context(team.tenant):
                ProjectMember.objects.filter(employee=team.employee(team.member)).delete()

        await sync_to_async(remove)()
        # Roles are read afresh for each follow, not kept from the socket's opening;
        # a refused follow also leaves the group it had joined.
        await socket.send_json_to({"type": "follow", "topic": "project", "id": team.project.pk})
        assert (await socket.receive_json_from())["type"] == "follow_refused"
        await _move(team, task, "Progress", team.pm)
        assert await socket.receive_nothing(timeout=0.3)
        await socket.disconnect()

    async_to_sync(scenario)()


def test_an_open_board_stops_receiving_once_its_follow_is_checked_again(team, monkeypatch):
    from modules.projects.models import ProjectMember
    from opsplatform.realtime import consumers

    monkeypatch.setattr(consumers, "REJOIN_SECONDS", 0.2)
    with tenant_context(team.tenant):
        task = TaskFactory(project=team.project, column=team.columns["Todo"])

    async def scenario():
        socket = await _open(team.member)
        await socket.send_json_to({"type": "follow", "topic": "project", "id": team.project.pk})
        assert (await socket.receive_json_from())["type"] == "following"

        def remove():
            with tenant_context(team.tenant):
                ProjectMember.objects.filter(employee=team.employee(team.member)).delete()

        await sync_to_async(remove)()
        await asyncio.sleep(0.6)  # a rejoin or two: the check is asked again
        await _move(team, task, "Progress", team.pm)
        assert await socket.receive_nothing(timeout=0.3)
        await socket.disconnect()

    async_to_sync(scenario)()
