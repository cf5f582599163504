"""The whole request body is capped at the ASGI edge, before Django spools it
(opsplatform/files/asgi.py)."""

from __future__ import annotations

import asyncio

from opsplatform.files.asgi import RequestBodyLimit


class App:
    """Reads the whole body, as Django's ASGI handler does, then answers 200."""

    def __init__(self):
        self.body = b""
        self.called = False

    async def __call__(self, scope, receive, send):
        self.called = True
        while True:
            message = await receive()
            self.body += message.get("body", b"")
            if not message.get("more_body"):
                break
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})


def run(app, *, chunks: list[bytes], headers=()):
    scope = {"type": "http", "method": "POST", "path": "/", "headers": list(headers)}
    pending = [
        {"type": "http.request", "body": chunk, "more_body": i < len(chunks) - 1}
        for i, chunk in enumerate(chunks)
    ]
    sent = []

    async def receive():
        return pending.pop(0)

    async def send(message):
        sent.append(message)

    asyncio.run(RequestBodyLimit(app, max_bytes=100)(scope, receive, send))
    return sent[0]["status"], b"".join(m.get("body", b"") for m in sent[1:])


def test_a_declared_length_over_the_cap_is_refused_unread():
    app = App()
    status, _body = run(app, chunks=[b"x" * 50], headers=[(b"content-length", b"5000")])
    assert status == 413
    assert not app.called


def test_a_body_that_streams_past_the_cap_is_refused():
    app = App()
    status, body = run(app, chunks=[b"x" * 60, b"x" * 60, b"x" * 60])
    assert status == 413
    assert app.body == b"x" * 60  # reading stopped at the chunk that passed the cap
    assert body == b"Request body too large."


def test_a_body_within_the_cap_reaches_django():
    app = App()
    status, body = run(app, chunks=[b"x" * 40, b"x" * 40], headers=[(b"content-length", b"80")])
    assert (status, body) == (200, b"ok")
    assert app.body == b"x" * 80


def test_the_project_asgi_application_carries_the_cap():
    from django.conf import settings

    from opsplatform.asgi import application

    http = application.application_mapping["http"]
    assert isinstance(http, RequestBodyLimit)
    assert http.limit() == settings.REQUEST_BODY_MAX_BYTES
    assert settings.REQUEST_BODY_MAX_BYTES > 50 * 1024 * 1024  # the largest field fits
