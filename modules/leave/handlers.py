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
from modules.leave.models import LeaveRequest
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
