"""Adjusting the balance of a group of people at once, with one reason.

HR picks a group (a department, a location, an employment type or everyone
active), a leave type, an amount and a reason; the page shows how many people
it touches and the confirmation writes one ADJUSTMENT entry per person, bulk
inserted in one transaction, each with the reason and the user. The form
carries a one-time token: it is spent in the same transaction, and every
entry's once-only key carries it, so a double click (or a replayed POST)
adjusts once. Each person with a login is told ("leave.balance_adjusted").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from modules.employees.models import Employee
from modules.leave.models import LeaveType, LedgerEntry, Unit
from modules.leave.notifications import BALANCE_ADJUSTED
from opsplatform import onetime
from opsplatform.notifications.services import notify
from opsplatform.refusals import Refused
from opsplatform.tenancy.context import require_current_tenant

TOKEN_SECONDS = 24 * 3600
BATCH_SIZE = 2000
REASON_LIMIT = LedgerEntry._meta.get_field("reason").max_length


@dataclass(frozen=True)
class Group:
    """Who an adjustment is for: one of a department, a location, an employment
    type, or everyone (active people only: leavers keep their final balance)."""

    department_id: int | None = None
    location_id: int | None = None
    employment_type: str = ""
    everyone: bool = False

    def people(self) -> QuerySet[Employee]:
        chosen = [
            self.department_id is not None,
            self.location_id is not None,
            bool(self.employment_type),
            self.everyone,
        ]
        if sum(chosen) != 1:
            raise Refused(_("Choose one group: a department, a location, a type or everyone."))
        people = Employee.objects.exclude(status=Employee.Status.TERMINATED)
        if self.department_id is not None:
            people = people.filter(department_id=self.department_id)
        elif self.location_id is not None:
            people = people.filter(location_id=self.location_id)
        elif self.employment_type:
            people = people.filter(employment_type=self.employment_type)
        return people.order_by("pk")


def bulk_adjust_count(*, group: Group) -> int:
    """How many people the adjustment would touch (the confirmation page's figure)."""
    return group.people().count()


def _check(*, user, leave_type: LeaveType, amount: Decimal, reason: str) -> str:
    if not user.has_perm("leave.adjust_balances"):
        raise Refused(_("Only HR and owners can adjust balances."))
    reason = (reason or "").strip()
    if not reason:
        raise Refused(_("Give a reason for the adjustment."), field="reason")
    if len(reason) > REASON_LIMIT:
        raise Refused(_("At most %(n)d characters.") % {"n": REASON_LIMIT}, field="reason")
    if not amount:
        raise Refused(_("The amount cannot be zero."), field="amount")
    if not leave_type.tracks_balance:
        raise Refused(
            _("%(type)s does not track a balance.") % {"type": leave_type.name},
            field="leave_type",
        )
    if leave_type.unit == Unit.HALF_DAYS and amount % Decimal("0.5"):
        raise Refused(
            _("%(type)s is counted in half days.") % {"type": leave_type.name}, field="amount"
        )
    return reason


@transaction.atomic
def bulk_adjust(
    *,
    user,
    group: Group,
    leave_type: LeaveType,
    amount: Decimal,
    reason: str,
    token: str,
    effective_on: date | None = None,
) -> int:
    """One ADJUSTMENT entry per person of ``group``; returns how many. Once per ``token``."""
    reason = _check(user=user, leave_type=leave_type, amount=amount, reason=reason)
    if not onetime.spend(f"leave-adjust:{token}", valid_for_seconds=TOKEN_SECONDS):
        raise Refused(_("This adjustment has already been applied."))
    tenant = require_current_tenant()
    effective_on = effective_on or timezone.localdate()
    key = f"adjust:{token[:40]}"
    people = list(group.people().values_list("pk", "membership__user_id"))
    LedgerEntry.objects.bulk_create(
        [
            LedgerEntry(
                tenant=tenant,
                employee_id=pk,
                leave_type=leave_type,
                kind=LedgerEntry.Kind.ADJUSTMENT,
                amount=amount,
                effective_on=effective_on,
                key=key,
                reason=reason,
                created_by=user,
            )
            for pk, _user_id in people
        ],
        batch_size=BATCH_SIZE,
    )
    _tell(people, user=user, leave_type=leave_type, amount=amount, reason=reason)
    return len(people)


def signed(amount: Decimal) -> str:
    """+1.5, -2, +20: the amount as people write it, with its sign."""
    return f"{amount:+.2f}".rstrip("0").rstrip(".")


def _tell(people, *, user, leave_type: LeaveType, amount: Decimal, reason: str) -> None:
    from tenants.models import User

    user_ids = [user_id for _pk, user_id in people if user_id is not None]
    if not user_ids:
        return
    unit = _("hours") if leave_type.unit == Unit.HOURS else _("days")
    notify(
        # One query for the people, whatever their number (the service costs a constant few).
        recipients=User.objects.filter(pk__in=user_ids),
        type=BALANCE_ADJUSTED,
        context={
            "leave_type": leave_type.name,
            "amount": f"{signed(amount)} {unit}",
            "reason": reason,
            "actor": user.get_full_name(),
        },
        actor=user,
    )
