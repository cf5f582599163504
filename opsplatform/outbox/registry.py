"""Outbox handlers by name, and how often each is retried.

A handler is ``func(message)``: it runs inside ``tenant_transaction(message.tenant)``,
in the same transaction that marks the message done, so its database effects
happen exactly once. Effects outside the database (an email) happen at least
once: write handlers so that a second run is harmless.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

# Minutes to wait after the 1st, 2nd, ... failed attempt; after the last the
# message is marked failed and waits for platform staff (the landlord admin).
# 1 + 5 + 25 + 125 + 625 minutes: about 13 hours, 6 attempts in all.
DEFAULT_BACKOFF_MINUTES: tuple[int, ...] = (1, 5, 25, 125, 625)


class Retry(Exception):  # a request, not an error
    """Raised by a handler that did part of its work and wants the rest retried.

    Unlike any other exception, the effects so far are kept (an email that did
    go out stays marked sent); the message is tried again after the backoff.
    """


@dataclass(frozen=True)
class Handler:
    name: str
    func: Callable
    backoff_minutes: tuple[int, ...] = DEFAULT_BACKOFF_MINUTES

    @property
    def max_attempts(self) -> int:
        return len(self.backoff_minutes) + 1


_HANDLERS: dict[str, Handler] = {}


def handler(name: str, *, backoff_minutes: tuple[int, ...] = DEFAULT_BACKOFF_MINUTES):
    """Register ``func`` as the handler of messages called ``name``."""

    def register(func: Callable) -> Callable:
        existing = _HANDLERS.get(name)
        if existing is not None and _origin(existing.func) != _origin(func):
            raise ValueError(f"Outbox handler {name!r} is registered twice")
        _HANDLERS[name] = Handler(name=name, func=func, backoff_minutes=tuple(backoff_minutes))
        return func

    return register


def _origin(func) -> tuple[str, str]:
    # The same function imported again (a reloaded module) may replace itself.
    return func.__module__, func.__qualname__


def get_handler(name: str) -> Handler:
    """The handler called ``name``; KeyError for an unknown one (a programming error)."""
    return _HANDLERS[name]


def handler_names() -> list[str]:
    return sorted(_HANDLERS)
