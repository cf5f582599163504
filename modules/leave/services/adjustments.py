"""HR's corrections of one person's balance: an adjustment with a reason, or the
reversal of a wrong entry. Both are new entries; nothing is ever edited."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from modules.employees.models import Employee
from modules.leave.models import LedgerEntry
from modules.leave.services.ledger import entry_post, entry_reverse
from opsplatform.refusals import Refused
from opsplatform.tenancy.context import require_current_tenant


def _lock_person(employee_id: int) -> None:
    # One person's balance moves one booking at a time (docs/leave.md).
    Employee.objects.select_for_update().filter(pk=employee_id).first()


def _require(user, permission: str) -> None:
    if user is None or not user.has_perm(permission):
        raise Refused(_("You may not adjust leave balances."))


@transaction.atomic
def balance_adjust(
    *, employee, leave_type, amount, reason: str, user, effective_on: date | None = None
) -> LedgerEntry:
    """Add (positive) or take (negative) ``amount`` in the type's unit, with a reason;
    it counts from ``effective_on`` (default: the company's today)."""
    _require(user, "leave.adjust_balance")
    try:
        amount = Decimal(amount)
    except (InvalidOperation, TypeError) as error:
        raise Refused(_("Give the amount as a number."), field="amount") from error
    if not amount.is_finite() or amount == 0:
        raise Refused(_("An adjustment must move the balance."), field="amount")
    if amount != amount.quantize(Decimal("0.01")):
        raise Refused(_("Give the amount in hundredths at most."), field="amount")
    amount = amount.quantize(Decimal("0.01"))
    reason = (reason or "").strip()
    if not reason:
        raise Refused(_("Give a reason for the adjustment."), field="reason")
    if leave_type.tenant_id != employee.tenant_id:
        raise Refused(_("Choose a leave type of this company."), field="leave_type")
    _lock_person(employee.pk)
    return entry_post(
        employee=employee,
        leave_type=leave_type,
        kind=LedgerEntry.Kind.ADJUSTMENT,
        amount=amount,
        effective_on=effective_on or require_current_tenant().today(),
        reason=reason[:255],
        user=user,
    )


@transaction.atomic
def ledger_entry_reverse(*, entry: LedgerEntry, reason: str, user) -> LedgerEntry:
    """Cancel a wrong entry with an opposite one. A reversal is not reversed again:
    the original entry is, once; to undo a reversal, adjust."""
    _require(user, "leave.adjust_balance")
    if entry.kind == LedgerEntry.Kind.REVERSAL:
        raise Refused(_("A reversal cannot be reversed; adjust the balance instead."))
    # The person's lock also makes two reversals of one entry take turns, so the
    # second is refused by entry_reverse (the ledger's rows cannot be locked: the
    # application may not UPDATE them, and FOR UPDATE needs that right).
    _lock_person(entry.employee_id)
    return entry_reverse(entry=entry, reason=reason or "", user=user)
