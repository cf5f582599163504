"""The one websocket a workspace page opens: live counters and notifications.

A member joins two groups: the company's (dashboards) and their own within the
company (inbox counters, notifications). Modules send to these groups through
:func:`opsplatform.realtime.publish.publish`.
"""

from __future__ import annotations

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from opsplatform.realtime.tenancy import group_name
from opsplatform.tenancy.context import tenant_context


class WorkspaceConsumer(AsyncJsonWebsocketConsumer):
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
        for group in self.groups_joined:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()
        await self.send_json({"type": "hello", "tenant": tenant.slug})

    async def disconnect(self, code):
        for group in getattr(self, "groups_joined", []):
            await self.channel_layer.group_discard(group, self.channel_name)

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
