"""Which function handles which Stripe event type.

A handler takes the stored ``WebhookEvent`` and returns the company it was
about (or None). It runs inside the event's transaction: whatever it raises
rolls its writes back and marks the event failed. A type with no handler is
recorded as ignored.
"""

from __future__ import annotations

from collections.abc import Callable

HANDLERS: dict[str, Callable] = {}


def handles(*types: str):
    def register(handler: Callable) -> Callable:
        for name in types:
            HANDLERS[name] = handler
        return handler

    return register


def handler_for(event_type: str) -> Callable | None:
    # The handlers register on import; importing them here keeps callers simple.
    from opsplatform.billing.webhooks import checkout, invoices, subscriptions  # noqa: F401

    return HANDLERS.get(event_type)
