"""Delivering one message: claim it, run its handler, record the outcome, in one
transaction of its company.

The claim is ``SELECT ... FOR UPDATE SKIP LOCKED`` on a pending message, so the
relay and the sweeper (or two workers) never run the same message at once: the
second finds it locked and skips it, or finds it done and does nothing. The
handler runs in a savepoint of that same transaction, and the message is
marked done before it commits: database effects happen exactly once, other
effects (email) at least once.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from opsplatform.outbox.models import OutboxMessage
from opsplatform.outbox.registry import Retry, get_handler
from opsplatform.tenancy.rls import tenant_transaction

logger = logging.getLogger(__name__)

ERROR_MAX_CHARS = 2000


def _describe(exc: BaseException) -> str:
    text = f"{type(exc).__name__}: {exc}" if not isinstance(exc, Retry) else str(exc)
    return text[:ERROR_MAX_CHARS]


def deliver(tenant, message_id: int) -> bool:
    """Try message ``message_id`` of ``tenant`` once, if it is due; True when it ran."""
    now = timezone.now()
    with tenant_transaction(tenant):
        message = (
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(pk=message_id, status=OutboxMessage.Status.PENDING)
            # A fresh message goes at once; a failed attempt waits out its backoff
            # even if an older enqueue of it turns up early.
            .filter(Q(attempts=0) | Q(next_attempt_at__lte=now))
            .first()
        )
        if message is None:
            return False  # done, failed, locked by another worker, or not due yet
        try:
            entry = get_handler(message.handler)
        except KeyError:
            _record(message, LookupError(f"no outbox handler {message.handler!r}"), final=True)
            return True
        message.tenant = tenant
        problem: BaseException | None = None
        try:
            with transaction.atomic():
                try:
                    entry.func(message)
                except Retry as partial:
                    problem = partial  # what succeeded is kept (the savepoint commits)
        except Exception as exc:  # recorded on the message, retried
            problem = exc
            logger.exception("Outbox message %s (%s) failed", message.pk, message.handler)
        if problem is None:
            OutboxMessage.objects.filter(pk=message.pk).update(
                status=OutboxMessage.Status.DONE,
                attempts=message.attempts + 1,
                delivered_at=timezone.now(),
                last_error="",
            )
        else:
            _record(message, problem, final=message.attempts + 1 >= entry.max_attempts, entry=entry)
        return True


def _record(message, problem: BaseException, *, final: bool, entry=None) -> None:
    attempts = message.attempts + 1
    changes = {"attempts": attempts, "last_error": _describe(problem)}
    if final:
        changes["status"] = OutboxMessage.Status.FAILED
        logger.error(
            "Outbox message %s (%s) failed for good after %s attempts: %s",
            message.pk,
            message.handler,
            attempts,
            changes["last_error"],
        )
    else:
        delay = entry.backoff_minutes[attempts - 1]
        changes["next_attempt_at"] = timezone.now() + timedelta(minutes=delay)
    OutboxMessage.objects.filter(pk=message.pk).update(**changes)
