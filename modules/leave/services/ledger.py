"""Writing the balance ledger: the only way entries are made.

Entries are never changed or deleted (on PostgreSQL the application's role
cannot); a mistake is corrected by ``entry_reverse``. An entry with a ``key``
is written at most once per person and leave type (the database's unique
constraint), which is what makes the daily run and retries idempotent.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from modules.leave.models import LedgerEntry
from opsplatform.loaded import loaded_relations
from opsplatform.refusals import Refused


def entry_post(
    *,
    employee,
    leave_type,
    kind: str,
    amount: Decimal,
    effective_on: date,
    request=None,
    key: str = "",
    reason: str = "",
    user=None,
    expires_on: date | None = None,
    key_unused: bool = False,
) -> LedgerEntry | None:
    """Add one entry. With a ``key`` already used for this person and type, add
    nothing and return None (the entry was recorded before).

    ``key_unused``: the caller holds the person's lock and has just counted the
    entries the key numbers, so the key cannot clash (no savepoint to catch it).
    """
    entry = LedgerEntry(
        employee=employee,
        leave_type=leave_type,
        kind=kind,
        amount=Decimal(amount),
        effective_on=effective_on,
        request=request,
        key=key,
        reason=reason,
        created_by=user,
        expires_on=expires_on,
    )
    # The person, type and request are rows the caller loaded: no second read of each.
    entry.full_clean(
        exclude=loaded_relations(entry), validate_unique=False, validate_constraints=False
    )
    if not key or key_unused:
        entry.save()
        return entry
    try:
        # A savepoint, so that a key recorded before leaves the transaction usable.
        with transaction.atomic():
            entry.save()
    except IntegrityError:
        if LedgerEntry.objects.filter(employee=employee, leave_type=leave_type, key=key).exists():
            return None
        raise
    return entry


def entry_reverse(*, entry: LedgerEntry, reason: str, user=None) -> LedgerEntry:
    """Cancel an entry's effect with an opposite one (an entry is never edited)."""
    if not reason.strip():
        raise Refused(_("Give a reason for the reversal."))
    if LedgerEntry.objects.filter(reverses=entry).exists():
        raise Refused(_("This entry has already been reversed."))
    reversal = LedgerEntry(
        employee_id=entry.employee_id,
        leave_type_id=entry.leave_type_id,
        kind=LedgerEntry.Kind.REVERSAL,
        amount=-entry.amount,
        effective_on=entry.effective_on,
        request_id=entry.request_id,
        reverses=entry,
        reason=reason.strip(),
        created_by=user,
    )
    reversal.save()
    return reversal
