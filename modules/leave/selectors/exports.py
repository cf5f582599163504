"""What the leave exports read: balances per person and type (one grouped query),
ledger entries and leave requests in a date range. Only the people who run leave
export (rules.py), so every row of the company is theirs to read."""

from __future__ import annotations

from datetime import date

from django.db.models import Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from modules.leave.models import ZERO, LeaveRequest, LedgerEntry

Kind = LedgerEntry.Kind


def balance_rows(*, year: int) -> QuerySet:
    """One dict per person and leave type with entries: the balance (every entry),
    taken in ``year`` (leave used less what was credited back) and what pending
    requests reserve. One grouped query, whatever the number of entries."""
    return (
        LedgerEntry.objects.values(
            "employee__employee_number",
            "employee__first_name",
            "employee__last_name",
            "employee__department__name",
            "leave_type__code",
            "leave_type__name",
            "leave_type__unit",
            "leave_type__order",
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
        .order_by("employee__employee_number", "leave_type__order", "leave_type__name")
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
