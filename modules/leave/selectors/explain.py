""" "Why is my balance 12.5?": the entries that make a balance, with running totals,
and what it will be on a future date.

Running totals come from the database in the same query as the entries (a
window ``SUM(amount) OVER (ORDER BY effective_on, id)``), never by replaying
the ledger in Python, so a page costs the same whatever the ledger's length.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from importlib import import_module

from django.db.models import DecimalField, F, OuterRef, Q, Subquery, Sum, Value, Window
from django.db.models.functions import Coalesce

from modules.leave.models import AMOUNT, ZERO, LedgerEntry

ENTRIES_PER_PAGE = 100

# Entries that move days between "reserved" and "taken": what uses carried days.
TAKING = (
    LedgerEntry.Kind.RESERVATION,
    LedgerEntry.Kind.RELEASE,
    LedgerEntry.Kind.USE,
    LedgerEntry.Kind.CREDIT,
)
_DECIMAL = DecimalField(**AMOUNT)


def entries_with_running_totals(employee, leave_type, *, page: int = 1):
    """One page of one person's entries of one leave type, newest first, each with
    ``running_total``: the balance after it. One query.

    The window runs over every entry of the person and type (the WHERE clause
    only), before LIMIT cuts the page, so totals on page 3 are still right.
    """
    start = (max(page, 1) - 1) * ENTRIES_PER_PAGE
    queryset = (
        LedgerEntry.objects.filter(employee=employee, leave_type=leave_type)
        .select_related("request__approval", "created_by")
        .annotate(
            running_total=Window(Sum("amount"), order_by=[F("effective_on").asc(), F("id").asc()])
        )
        .order_by("-effective_on", "-id")
    )
    rows = list(queryset[start : start + ENTRIES_PER_PAGE + 1])
    return rows[:ENTRIES_PER_PAGE], len(rows) > ENTRIES_PER_PAGE


@dataclass
class Projection:
    """The balance on ``on``: ``now`` + ``accruals`` − ``expiring``.

    ``reserved`` (days held by pending requests) is already inside ``now``; it
    is shown so nobody subtracts it twice."""

    on: date
    now: Decimal
    reserved: Decimal
    accruals: list[tuple[date, Decimal]] = field(default_factory=list)
    expiring: list[tuple[date, Decimal]] = field(default_factory=list)
    # False where no accrual engine is installed: the figure leaves accruals out.
    accruals_known: bool = True

    @property
    def accrued(self) -> Decimal:
        return sum((amount for _day, amount in self.accruals), ZERO)

    @property
    def expired(self) -> Decimal:
        return sum((amount for _day, amount in self.expiring), ZERO)

    @property
    def total(self) -> Decimal:
        return self.now + self.accrued - self.expired


def _scheduled_accruals(employee, leave_type, *, after: date, until: date):
    """[(day, amount)] the accrual engine will write after ``after`` up to ``until``,
    or None when no engine is installed (the projection then says so)."""
    try:
        engine = import_module("modules.leave.services.accrual")
    except ModuleNotFoundError:
        return None
    return list(engine.scheduled_accruals(employee, leave_type, after=after, until=until))


def project_balance(employee, leave_type, *, today: date, on: date) -> Projection:
    """What the balance will be on ``on``: today's balance (pending requests'
    reservations already in it), plus accruals due after today up to ``on``,
    less what is left of carried-forward days that expire by then.

    Carried days are used first: what expires is the carried amount less what
    was taken (net of releases and credits) from the day it was carried until
    it expires, never below zero. Three queries, whatever the ledger's length.
    """
    entries = LedgerEntry.objects.filter(employee=employee, leave_type=leave_type)
    totals = entries.aggregate(
        now=Coalesce(Sum("amount"), Value(ZERO), output_field=_DECIMAL),
        reserved=Coalesce(
            Sum(
                "amount",
                filter=Q(kind__in=[LedgerEntry.Kind.RESERVATION, LedgerEntry.Kind.RELEASE]),
            ),
            Value(ZERO),
            output_field=_DECIMAL,
        ),
    )
    taken_while_carried = (
        LedgerEntry.objects.filter(
            employee_id=OuterRef("employee_id"),
            leave_type_id=OuterRef("leave_type_id"),
            kind__in=TAKING,
            effective_on__gte=OuterRef("effective_on"),
            effective_on__lt=OuterRef("expires_on"),
        )
        .order_by()
        .values("leave_type_id")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    carried = entries.filter(
        kind=LedgerEntry.Kind.CARRY_FORWARD, expires_on__gt=today, expires_on__lte=on
    ).annotate(taken=Coalesce(Subquery(taken_while_carried), Value(ZERO), output_field=_DECIMAL))
    accruals = (
        _scheduled_accruals(employee, leave_type, after=today, until=on) if on > today else []
    )
    expiring = []
    gone = ZERO
    for entry in carried.order_by("expires_on", "pk"):
        left = min(entry.amount, max(entry.amount + entry.taken, ZERO))
        # As the daily run does: never more expires than the balance holds that day.
        before = (
            totals["now"]
            - gone
            + sum((amount for day, amount in accruals or [] if day < entry.expires_on), ZERO)
        )
        left = min(left, max(before, ZERO))
        if left > ZERO:
            expiring.append((entry.expires_on, left))
            gone += left
    return Projection(
        on=on,
        now=totals["now"],
        reserved=-totals["reserved"],
        accruals=accruals or [],
        expiring=expiring,
        accruals_known=accruals is not None,
    )
