"""The transactional outbox: what a write must cause later, stored with the write.

A service calls :func:`emit` inside its transaction; the row commits (or rolls
back) with the write. After commit a relay task delivers it; a sweeper every
minute re-enqueues what is still pending. Handlers are registered by the
module that owns the effect, with :func:`handler`, in ``<app>/outbox.py``.
See docs/outbox.md.
"""

from __future__ import annotations

from opsplatform.outbox.registry import Retry, handler

__all__ = ["Retry", "emit", "emit_task", "handler"]


def emit(name: str, *, tenant, payload: dict | None = None, dedupe_key: str = ""):
    """Store a message for handler ``name`` in the caller's transaction."""
    from opsplatform.outbox.services import outbox_emit

    return outbox_emit(name=name, tenant=tenant, payload=payload, dedupe_key=dedupe_key)


def emit_task(task, *args, tenant):
    """Store "enqueue huey ``task(*args)``": the enqueue then happens at least once.

    For jobs that keep their own state (an import job): the outbox only makes
    sure the task is handed to the queue, even if the queue was down at commit.
    """
    from opsplatform.outbox.handlers import task_payload
    from opsplatform.outbox.services import outbox_emit

    return outbox_emit(name="outbox.huey_task", tenant=tenant, payload=task_payload(task, args))
