"""Handlers that exist only for these tests, and a way to run what a commit starts."""

from __future__ import annotations

import pytest

from opsplatform import outbox
from opsplatform.outbox.models import OutboxMessage
from opsplatform.tenancy import tenant_context

CALLS: list[tuple[int, dict]] = []
FAILURES: dict[str, int] = {}


@outbox.handler("tests.record")
def record(message) -> None:
    CALLS.append((message.tenant.pk, dict(message.payload)))


@outbox.handler("tests.flaky")
def flaky(message) -> None:
    """Fails as many times as the payload says, then succeeds."""
    key = message.payload["key"]
    FAILURES[key] = FAILURES.get(key, 0) + 1
    if FAILURES[key] <= message.payload["failures"]:
        raise ConnectionRefusedError("the provider is down")
    CALLS.append((message.tenant.pk, dict(message.payload)))


@pytest.fixture(autouse=True)
def _forget_calls():
    CALLS.clear()
    FAILURES.clear()
    yield


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """``with committed():`` runs what the block's commit would start (the relay)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def sweep_at(outbox_sweep_at):
    """Run the sweeper as if ``minutes`` had passed, with what its commits start."""
    return outbox_sweep_at


def messages_of(tenant, **filters) -> list[OutboxMessage]:
    with tenant_context(tenant):
        return list(OutboxMessage.objects.filter(**filters).order_by("pk"))


def only_message(tenant, handler: str) -> OutboxMessage:
    rows = messages_of(tenant, handler=handler)
    assert len(rows) == 1, rows
    return rows[0]
