"""Single-use tokens, spent in the database.

A nonce is spent by inserting its row: the primary key lets exactly one
insert succeed, in any process, with Redis up or down. The insert runs in a
savepoint of the caller's transaction: a second request spending the same
nonce waits for the first to commit (and then loses) or roll back (and then
wins), so a nonce whose request failed is not lost.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from opsplatform.models import SpentNonce


def spend(nonce: str, *, valid_for_seconds: int) -> bool:
    """True the first time ``nonce`` is spent, False ever after (until it is purged).

    ``valid_for_seconds`` must outlive the token the nonce belongs to: the row
    is purged after that, and the token must have expired by then.
    """
    if not nonce:
        return False
    expires_at = timezone.now() + timedelta(seconds=valid_for_seconds)
    try:
        with transaction.atomic():
            SpentNonce.objects.create(nonce=nonce, expires_at=expires_at)
    except IntegrityError:
        return False
    return True


def purge_expired() -> int:
    """Drop spent nonces whose tokens can no longer be presented."""
    deleted, _ = SpentNonce.objects.filter(expires_at__lt=timezone.now()).delete()
    return deleted
