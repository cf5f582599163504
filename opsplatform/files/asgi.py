"""A cap on the whole request body, before Django reads any of it.

Django's ASGI handler spools the entire body to a temporary file before a view
(or an upload handler) runs, so a per-field limit alone would still let one
request fill the disk. This middleware answers 413 when the declared
Content-Length is over ``REQUEST_BODY_MAX_BYTES``, and stops reading (413 as
well) when a body without one streams past it.
"""

from __future__ import annotations

from django.conf import settings


class BodyTooLarge(Exception):
    pass


async def _reply_413(send) -> None:
    body = b"Request body too large."
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class RequestBodyLimit:
    def __init__(self, app, max_bytes: int | None = None):
        self.app = app
        self.max_bytes = max_bytes

    def limit(self) -> int:
        return self.max_bytes if self.max_bytes is not None else settings.REQUEST_BODY_MAX_BYTES

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        limit = self.limit()
        for name, value in scope.get("headers", ()):
            if name.lower() == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = limit + 1
                if declared > limit:
                    return await _reply_413(send)

        received = 0
        started = False

        async def limited_receive():
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge
            return message

        async def tracking_send(message):
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except BodyTooLarge:
            if not started:
                await _reply_413(send)
