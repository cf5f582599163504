"""What the leave exports read: balances per person and type (one grouped query),
ledger entries and leave requests in a date range. Only the people who run leave
export (rules.py), so every row of the company is theirs to read."""

from __future__ import annotations

from datetime import date

from django.db.models import F, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from modules.leave.models import ZERO, LeaveRequest, LedgerEntry

Kind = LedgerEntry.Kind


def balance_rows(*, year: int) -> QuerySet:
    """One dict per person and leave type with entries: the balance (every entry),
    taken in ``year`` (leave used less what was credited back) and what pending
    requests reserve. One grouped query, whatever the number of entries."""
    return (
        # Plain names: the export reads a dict's keys, and "__" would read as a path.
        LedgerEntry.objects.values(
            employee_number=F("employee__employee_number"),
            first_name=F("employee__first_name"),
            last_name=F("employee__last_name"),
            department=F("employee__department__name"),
            type_code=F("leave_type__code"),
            type_name=F("leave_type__name"),
            unit=F("leave_type__unit"),
            type_order=F("leave_type__order"),
        )
        .annotate(
            balance=Sum("amount"),
            taken=-Coalesce(
                Sum(
                    "amount",
                    filter=Q(kind__in=[Kind.USE, Kind.CREDIT], effective_on__year=year),
                ),
                ZERO,
            ),
            reserved=-Coalesce(
                Sum("amount", filter=Q(kind__in=[Kind.RESERVATION, Kind.RELEASE])), ZERO
            ),
        )
        .order_by("employee_number", "type_order", "type_name")
    )


def ledger_entries(*, start: date, end: date) -> QuerySet[LedgerEntry]:
    """Every entry effective from ``start`` to ``end``, with who and what it is about."""
    return (
        LedgerEntry.objects.filter(effective_on__range=(start, end))
        .select_related("employee", "leave_type", "created_by", "request__approval")
        .order_by("effective_on", "pk")
    )


def leave_requests(*, start: date, end: date) -> QuerySet[LeaveRequest]:
    """Every leave request with a day from ``start`` to ``end`` (drafts included)."""
    return (
        LeaveRequest.objects.filter(start_date__lte=end, end_date__gte=start)
        .select_related("approval", "employee__department", "leave_type")
        .order_by("start_date", "pk")
    )
