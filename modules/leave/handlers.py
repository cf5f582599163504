"""Who hears of what happens to leave (the notices of notifications.py).

``notify`` writes its rows in the caller's transaction and delivers them
after it commits, so a cancellation that rolls back tells nobody.
"""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils.formats import date_format

from modules.approvals.models import RequestStatus
from modules.leave import notifications as notices
from modules.leave.models import LeaveRequest, LedgerEntry
from opsplatform.notifications.services import notify


def _url(subject: LeaveRequest) -> str:
    return reverse(
        "admin:approvals_approvalrequest_change",
        args=[subject.approval_id],
        urlconf="opsplatform.urls.tenant",
    )


def leave_cancelled(subject: LeaveRequest, *, actor, credit) -> None:
    """Granted leave was cancelled: the person (unless they did it) and their manager hear."""
    employee = subject.employee
    people = [subject.approval.requester]
    manager = employee.manager
    if manager is not None and manager.membership_id:
        people.append(manager.membership.user)
    recipients = [user for user in people if user.pk != actor.pk]
    if recipients:
        notify(
            recipients=recipients,
            type=notices.CANCELLED,
            context={
                "reference": subject.approval.reference,
                "title": subject.approval.title,
                "actor": actor.get_full_name(),
                "credit": str(credit),
            },
            url=_url(subject),
            actor=actor,
        )


def team_off_tomorrow(today) -> int:
    """Tell each manager who of their direct reports starts granted leave tomorrow.

    Returns how many notices went out. One query for the leave, one per notice.
    """
    tomorrow = today + timedelta(days=1)
    starting = (
        LeaveRequest.objects.filter(
            start_date=tomorrow,
            approval__status=RequestStatus.COMPLETED,
            cancelled_at__isnull=True,
            employee__manager__membership__isnull=False,
        )
        .select_related("employee__manager__membership__user", "leave_type", "approval")
        .order_by("pk")
    )
    sent = 0
    for subject in starting:
        employee = subject.employee
        notify(
            recipients=[employee.manager.membership.user],
            type=notices.OFF_TOMORROW,
            context={
                "name": employee.full_name,
                "type": str(subject.leave_type),
                "end": date_format(subject.end_date, "DATE_FORMAT"),
            },
            url=_url(subject),
        )
        sent += 1
    return sent


def carried_days_expiring(*, on, since=None) -> int:
    """Tell each person whose carried-forward days expire within the notice window
    and still hold some. Run by the daily run, so each day's window is told once;
    after a gap (``since``, the last run) the days missed are told now.

    One query for the carried entries (with what was taken from them) and one
    notice per leave type and expiry date, whatever the number of people.
    """
    from django.db.models import DecimalField, OuterRef, Subquery, Sum, Value
    from django.db.models.functions import Coalesce

    from modules.leave.models import ZERO
    from modules.leave.selectors.explain import TAKING

    ahead = timedelta(days=notices.CARRIED_NOTICE_DAYS)
    start = (since or on - timedelta(days=1)) + ahead
    taken = (
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
    carried = (
        LedgerEntry.objects.filter(
            kind=LedgerEntry.Kind.CARRY_FORWARD,
            expires_on__gt=start,
            expires_on__lte=on + ahead,
            employee__membership__isnull=False,
        )
        .annotate(
            taken=Coalesce(
                Subquery(taken),
                Value(ZERO),
                output_field=DecimalField(max_digits=9, decimal_places=2),
            )
        )
        .select_related("employee__membership__user", "leave_type")
        .order_by("leave_type_id", "expires_on", "pk")
    )
    groups: dict[tuple, list] = {}
    for entry in carried:
        # Leave taken since the carry uses the carried days first (docs/leave.md).
        if entry.amount + entry.taken > 0:
            key = (entry.leave_type, entry.expires_on)
            groups.setdefault(key, []).append(entry.employee.membership.user)
    url = reverse("admin:leave_my_leave", urlconf="opsplatform.urls.tenant")
    for (leave_type, expires_on), people in groups.items():
        notify(
            recipients=people,
            type=notices.CARRIED_EXPIRING,
            context={
                "leave_type": str(leave_type),
                "date": date_format(expires_on, "DATE_FORMAT"),
            },
            url=url,
        )
    return sum(len(people) for people in groups.values())
