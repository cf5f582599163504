"""The year boundary: what of last year's balance carries into the new year, and
when the carried days expire (docs/leave.md, "Balances, accrual and carry-forward").

On 1 January of year Y, for a person with a positive balance at the end of 31
December (every entry effective up to then), the ledger gets a pair:

- an EXPIRY of the whole closing balance (``expire:<type id>:<Y>``), then
- a CARRY_FORWARD of the amount the policy carries (``carry:<type id>:<Y>``):
  none, all, or up to ``carry_forward_max``; with ``carry_forward_expiry_months``
  its ``expires_on`` is 1 January + that many months, the first day the carried
  days can no longer be used (3 months: usable to 31 March, gone on 1 April).

The pair reads as "2026 closed with 8; 5 carried into 2027, until 31 March": the
net is what expired. Nothing is written when nothing changes (all carried and
never expiring), and a balance of zero or below is left as it is: a negative
balance is not carried, it stays.

On the expiry day, what is left of the carried days expires
(``carry-expire:<type id>:<Y>``). Leave taken or booked since 1 January (use,
reservation, release and credit entries effective from 1 January to the day
before) uses the carried days first; the expiry never takes the balance below
zero. Carried days whose expiry would fall on or after the next 1 January are
simply part of that year's closing balance.
"""

from __future__ import annotations

import calendar
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _

from modules.leave.models import LeavePolicy, LedgerEntry

ZERO = Decimal("0")
# Entries that are leave taken, booked or given back: what uses carried days first.
TAKING = (
    LedgerEntry.Kind.USE,
    LedgerEntry.Kind.RESERVATION,
    LedgerEntry.Kind.RELEASE,
    LedgerEntry.Kind.CREDIT,
)


def expiry_key(leave_type_id: int, year: int) -> str:
    return f"expire:{leave_type_id}:{year}"


def carry_key(leave_type_id: int, year: int) -> str:
    return f"carry:{leave_type_id}:{year}"


def carried_expiry_key(leave_type_id: int, year: int) -> str:
    return f"carry-expire:{leave_type_id}:{year}"


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def carried_amount(policy: LeavePolicy, balance: Decimal) -> Decimal:
    if policy.carry_forward == LeavePolicy.CarryForward.ALL:
        return balance
    if policy.carry_forward == LeavePolicy.CarryForward.UP_TO:
        return min(balance, policy.carry_forward_max or ZERO)
    return ZERO


def carried_until(policy: LeavePolicy, year: int) -> date | None:
    """The day days carried into ``year`` expire, or None when they last the year."""
    months = policy.carry_forward_expiry_months
    if months is None:
        return None
    expires = add_months(date(year, 1, 1), months)
    return expires if expires < date(year + 1, 1, 1) else None


def year_end_entries(
    policy: LeavePolicy, *, employee_id: int, tenant_id: int, year: int, balance: Decimal
) -> list[LedgerEntry]:
    """The entries of 1 January ``year`` for a closing balance of ``balance`` (unsaved)."""
    if balance <= 0:
        return []
    carried = carried_amount(policy, balance)
    expires_on = carried_until(policy, year) if carried > 0 else None
    if carried == balance and expires_on is None:
        return []
    new_year = date(year, 1, 1)
    common = {
        "tenant_id": tenant_id,
        "employee_id": employee_id,
        "leave_type_id": policy.leave_type_id,
        "effective_on": new_year,
    }
    entries = [
        LedgerEntry(
            **common,
            kind=LedgerEntry.Kind.EXPIRY,
            amount=-balance,
            key=expiry_key(policy.leave_type_id, year),
            reason=_("Balance of %(year)s closed at the year end") % {"year": year - 1},
        )
    ]
    if carried > 0:
        entries.append(
            LedgerEntry(
                **common,
                kind=LedgerEntry.Kind.CARRY_FORWARD,
                amount=carried,
                key=carry_key(policy.leave_type_id, year),
                expires_on=expires_on,
                reason=_("Carried forward from %(year)s") % {"year": year - 1},
            )
        )
    return entries


def carried_expiry_entry(
    carry: LedgerEntry, *, taken: Decimal, balance_before: Decimal
) -> LedgerEntry | None:
    """The expiry of what is left of ``carry`` on its ``expires_on`` (unsaved), given
    the leave ``taken`` since 1 January and the balance the day before."""
    left = min(carry.amount - max(taken, ZERO), balance_before)
    if left <= 0:
        return None
    year = carry.effective_on.year
    return LedgerEntry(
        tenant_id=carry.tenant_id,
        employee_id=carry.employee_id,
        leave_type_id=carry.leave_type_id,
        kind=LedgerEntry.Kind.EXPIRY,
        amount=-left,
        effective_on=carry.expires_on,
        key=carried_expiry_key(carry.leave_type_id, year),
        reason=_("Days carried from %(year)s expired") % {"year": year - 1},
    )
