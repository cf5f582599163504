"""Websocket connections get their tenant from the host, as HTTP requests do."""

from __future__ import annotations

from channels.db import database_sync_to_async

from opsplatform.tenancy.resolver import resolve_host


def group_name(tenant_id: int, *parts: object) -> str:
    """Channel group names carry the tenant id (tenancy invariant 4)."""
    return "-".join(["tenant", str(tenant_id), *(str(part) for part in parts)])


class TenantWebsocketMiddleware:
    def __init__(self, inner):
        self.inner = inner

    async def __call__(self, scope, receive, send):
        headers = dict(scope.get("headers", []))
        host = headers.get(b"host", b"").decode("latin-1")
        resolution = await database_sync_to_async(resolve_host)(host)
        tenant = resolution.tenant
        if resolution.kind != "tenant" or tenant is None or not tenant.is_active:
            # Close before accepting: the browser sees a refused handshake.
            await send({"type": "websocket.close", "code": 4404})
            return
        scope = dict(scope, tenant=tenant)
        return await self.inner(scope, receive, send)
