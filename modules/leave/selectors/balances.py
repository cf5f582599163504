"""Balances come from the ledger by one aggregate, never by replaying entries in Python."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db.models import Sum

from modules.leave.models import ZERO, LedgerEntry
from modules.leave.selectors.policies import policy_for


def balance_on(employee, leave_type, on: date | None = None) -> Decimal:
    """The balance of one person and leave type: every entry effective up to ``on``
    (every entry when ``on`` is None), reservations of pending requests included."""
    entries = LedgerEntry.objects.filter(employee=employee, leave_type=leave_type)
    if on is not None:
        entries = entries.filter(effective_on__lte=on)
    return entries.aggregate(total=Sum("amount"))["total"] or ZERO


def balances_of(employee, on: date | None = None) -> dict[int, Decimal]:
    """{leave type id: balance} for one person, in one query."""
    entries = LedgerEntry.objects.filter(employee=employee)
    if on is not None:
        entries = entries.filter(effective_on__lte=on)
    rows = entries.values("leave_type_id").annotate(total=Sum("amount"))
    return {row["leave_type_id"]: row["total"] for row in rows}


def bookable_parts(employee, leave_type) -> tuple[Decimal, Decimal]:
    """(balance of every entry, how far the person's policy lets it go negative):
    the two figures a refusal for too little balance names."""
    policy = policy_for(employee, leave_type)
    limit = policy.negative_limit if policy is not None else ZERO
    return balance_on(employee, leave_type), limit


def bookable(employee, leave_type) -> Decimal:
    """What a person may still book of a leave type: the balance of every entry
    (pending requests' reservations included) plus how far the policy that applies
    to them lets it go negative. No policy: no negative allowance."""
    balance, limit = bookable_parts(employee, leave_type)
    return balance + limit
