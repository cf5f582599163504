"""A websocket opens only from a page of its own host.

Channels' ``AllowedHostsOriginValidator`` checks the Origin against
``ALLOWED_HOSTS``, which is ``*`` in production (custom tenant domains) and
``.localhost`` in development: any site, or another company's workspace,
could open a socket with the visitor's cookies. The socket's own Host header
is the one origin that is always right, so the Origin must name exactly it.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from channels.security.websocket import WebsocketDenier

DEFAULT_PORTS = {"http": "80", "https": "443"}


def _header(scope, name: bytes) -> str:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return value.decode("latin-1").strip().lower()
    return ""


def _without_default_port(netloc: str, scheme: str) -> str:
    if netloc.endswith("]"):  # a bare IPv6 address: no port to drop
        return netloc
    host, sep, port = netloc.rpartition(":")
    if sep and port == DEFAULT_PORTS.get(scheme):
        return host
    return netloc


def origin_matches_host(origin: str, host: str) -> bool:
    """True when ``origin`` (scheme://host[:port]) names the same host:port as ``host``."""
    if not origin or not host or origin == "null":
        return False
    parts = urlsplit(origin)
    if parts.scheme not in DEFAULT_PORTS or not parts.netloc or "@" in parts.netloc:
        return False
    return _without_default_port(parts.netloc, parts.scheme) == _without_default_port(
        host, parts.scheme
    )


class SameHostOriginValidator:
    """Refuse the handshake unless the Origin header is the socket's own host.

    A missing Origin is refused too: every browser sends one on a websocket,
    so only a non-browser client omits it, and it has no business here.
    """

    def __init__(self, application):
        self.application = application

    async def __call__(self, scope, receive, send):
        if origin_matches_host(_header(scope, b"origin"), _header(scope, b"host")):
            return await self.application(scope, receive, send)
        return await WebsocketDenier()(scope, receive, send)
