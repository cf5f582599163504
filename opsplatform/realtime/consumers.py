"""The one websocket a workspace page opens: live counters and notifications.

A member joins two groups: the company's (dashboards) and their own within the
company (inbox counters, notifications). Modules send to these groups through
:func:`opsplatform.realtime.publish.publish`.

A page may also follow a topic a module declares (``LiveTopic``: a project's
board, say) by sending ``{"type": "follow", "topic": "project", "id": 5}``.
The module's check decides, with the person's roles read afresh; a refusal
answers ``{"type": "follow_refused", ...}`` and joins nothing, whether the id is
missing, another company's or hidden from this person.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings

from opsplatform.realtime.tenancy import group_name
from opsplatform.tenancy.context import tenant_context

logger = logging.getLogger(__name__)
# "Try again later" (RFC 6455): the page's script reconnects with a back-off.
LAYER_DOWN_CODE = 1013
# How often an open socket joins its groups again (see _keep_groups).
REJOIN_SECONDS = 300
# Topics one socket may follow at once (a page follows one or two).
MAX_FOLLOWS = 20


class WorkspaceConsumer(AsyncJsonWebsocketConsumer):
    async def __call__(self, scope, receive, send):
        """The socket's whole life; an error ends it with "try again later", not a crash.

        With Redis down, channels' own receive loop on the layer raises before
        or after the handshake. The page's script reconnects with a back-off
        on any close but 4403, and the new socket joins its groups again."""
        try:
            await super().__call__(scope, receive, send)
        except Exception:  # logged; the page retries
            logger.warning(
                "Workspace socket ended by an error; the page will retry.", exc_info=True
            )
            with contextlib.suppress(Exception):
                await send({"type": "websocket.close", "code": LAYER_DOWN_CODE})

    async def connect(self):
        user = self.scope.get("user")
        tenant = self.scope["tenant"]
        if (
            user is None
            or not user.is_authenticated
            or not await self._may_connect(user, tenant, self.scope.get("session"))
        ):
            await self.close(code=4403)
            return
        self.groups_joined = [group_name(tenant.pk), group_name(tenant.pk, "user", user.pk)]
        try:
            await self._join_groups()
        except Exception:  # layer down: refuse, the page retries with a back-off
            logger.warning("Channel layer unavailable; socket refused.", exc_info=True)
            await self.close(code=LAYER_DOWN_CODE)
            return
        await self.accept()
        await self.send_json({"type": "hello", "tenant": tenant.slug})
        self._keeper = asyncio.create_task(self._keep_groups())

    async def disconnect(self, code):
        keeper = getattr(self, "_keeper", None)
        if keeper is not None:
            keeper.cancel()
        for group in getattr(self, "groups_joined", []):
            try:
                await asyncio.wait_for(
                    self.channel_layer.group_discard(group, self.channel_name),
                    timeout=settings.CHANNEL_LAYER_TIMEOUT_SECONDS,
                )
            except Exception:  # the group entry expires on its own
                logger.info("Could not leave group %s; it will expire.", group, exc_info=True)

    async def _join_groups(self) -> None:
        for group in self.groups_joined:
            await asyncio.wait_for(
                self.channel_layer.group_add(group, self.channel_name),
                timeout=settings.CHANNEL_LAYER_TIMEOUT_SECONDS,
            )

    async def _keep_groups(self) -> None:
        """Join the groups again every few minutes while the socket is open.

        A Redis that restarted empty has forgotten every group, and channels-redis
        drops members after its group expiry: either way an open socket would
        go quiet without an error. When the layer is down, the socket is closed
        so the page reconnects (with a back-off) and rejoins once it is back."""
        while True:
            await asyncio.sleep(REJOIN_SECONDS)
            try:
                await self._check_follows()
                await self._join_groups()
            except Exception:
                logger.warning("Channel layer unavailable; closing the socket.", exc_info=True)
                await self.close(code=LAYER_DOWN_CODE)
                return

    async def receive_json(self, content, **kwargs):
        if not isinstance(content, dict):
            return
        kind = content.get("type")
        if kind == "follow":
            await self._follow(content.get("topic"), content.get("id"))
        elif kind == "unfollow":
            await self._unfollow(content.get("topic"), content.get("id"))

    @staticmethod
    def _topic_key(topic, object_id) -> tuple[str, int] | None:
        if not isinstance(topic, str) or isinstance(object_id, bool):
            return None
        try:
            object_id = int(object_id)
        except (TypeError, ValueError):
            return None
        return (topic, object_id) if object_id > 0 else None

    async def _follow(self, topic, object_id) -> None:
        key = self._topic_key(topic, object_id)
        tenant = self.scope["tenant"]
        group = group_name(tenant.pk, *key) if key else ""
        followed = getattr(self, "followed", [])
        allowed = (
            key is not None
            and (group in followed or len(followed) < MAX_FOLLOWS)
            and await self._may_follow(self.scope["user"], tenant, *key)
        )
        if not allowed:
            if group in followed:  # no longer allowed: leave what it followed
                await self._unfollow(*key)
            await self.send_json({"type": "follow_refused", "topic": topic, "id": object_id})
            return
        if group not in self.groups_joined:
            try:
                await asyncio.wait_for(
                    self.channel_layer.group_add(group, self.channel_name),
                    timeout=settings.CHANNEL_LAYER_TIMEOUT_SECONDS,
                )
            except Exception:  # layer down: close, the page reconnects and follows again
                logger.warning("Channel layer unavailable; closing the socket.", exc_info=True)
                await self.close(code=LAYER_DOWN_CODE)
                return
            self.groups_joined.append(group)
            self.followed = [*followed, group]
            self.follow_keys = {**getattr(self, "follow_keys", {}), group: key}
        await self.send_json({"type": "following", "topic": key[0], "id": key[1]})

    async def _check_follows(self) -> None:
        """Ask each followed topic's check again: a person removed from a project
        stops receiving its pushes within a rejoin period, without a reload."""
        tenant, user = self.scope["tenant"], self.scope["user"]
        for topic, object_id in list(getattr(self, "follow_keys", {}).values()):
            if not await self._may_follow(user, tenant, topic, object_id):
                await self._unfollow(topic, object_id)

    async def _unfollow(self, topic, object_id) -> None:
        key = self._topic_key(topic, object_id)
        if key is None:
            return
        group = group_name(self.scope["tenant"].pk, *key)
        # The company's and the person's own groups are not topics: never left here.
        if group in getattr(self, "followed", []):
            self.followed.remove(group)
            self.follow_keys.pop(group, None)
            self.groups_joined.remove(group)
            with contextlib.suppress(Exception):
                await asyncio.wait_for(
                    self.channel_layer.group_discard(group, self.channel_name),
                    timeout=settings.CHANNEL_LAYER_TIMEOUT_SECONDS,
                )

    @database_sync_to_async
    def _may_follow(self, user, tenant, topic: str, object_id: int) -> bool:
        from opsplatform.contract.declarations import resolve
        from opsplatform.contract.registry import live_topic
        from opsplatform.permissions import forget_membership

        declared = live_topic(topic)
        if declared is None:
            return False
        from opsplatform.billing.entitlements import forget
        from opsplatform.billing.gating import topic_lock

        # A topic of a module the plan lacks is refused; the plan is read afresh,
        # as the roles are (the socket outlives a plan change).
        forget(tenant)
        if topic_lock(tenant, topic) is not None:
            return False
        with tenant_context(tenant):
            # The socket lives longer than a request: roles are read again for each follow.
            forget_membership(user)
            try:
                return bool(resolve(declared.check)(user, object_id))
            except Exception:  # a check that fails refuses
                logger.warning("Live topic check %s failed.", topic, exc_info=True)
                return False

    async def push(self, event):
        await self.send_json(event["payload"])

    async def member_close(self, event):
        """Sent to the member's own group when their membership ends (see publish.close_member_sockets)."""
        await self.close(code=4403)

    @database_sync_to_async
    def _may_connect(self, user, tenant, session) -> bool:
        """An active member whose session got past the sign-in's code step, if it has one:
        a password alone opens no page of the workspace, so it opens no socket either."""
        from opsplatform.accounts.two_factor import second_factor_missing
        from tenants.models import Membership

        with tenant_context(tenant):
            member = Membership.objects.filter(
                user_id=user.pk, status=Membership.Status.ACTIVE
            ).exists()
            return member and not second_factor_missing(user, tenant, session)
