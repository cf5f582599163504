"""Automatic deputies: while an approver is on granted leave, their deputy decides.

When leave is granted, a deputy period (the engine's ``Delegation``) is made
for exactly its dates, so approvals reaching the person go to the deputy then
and the gate log says the approver is on leave (the period's note). Cancelling
the leave withdraws it (or ends it on the day of cancelling, once begun).

The deputy is the person's most recent deputy from an earlier period they set,
else their own line manager; nobody, and no period is made.
"""

from __future__ import annotations

from datetime import date

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from modules.approvals.models import Delegation
from modules.approvals.services import delegation_save
from modules.leave.models import LeaveRequest
from tenants.models import Membership


def _active(membership) -> Membership | None:
    if membership is None or membership.status != Membership.Status.ACTIVE:
        return None
    return membership


def deputy_of(employee) -> Membership | None:
    """Who stands in for ``employee`` while they are away (an active membership), or None."""
    principal = _active(employee.membership)
    if principal is None:
        return None
    earlier = (
        Delegation.objects.filter(principal=principal, deputy__status=Membership.Status.ACTIVE)
        .exclude(deputy=principal)
        .select_related("deputy__user")
        .order_by("-starts_on", "-pk")
        .first()
    )
    if earlier is not None:
        return earlier.deputy
    manager = employee.manager
    deputy = _active(manager.membership) if manager is not None else None
    if deputy is None or deputy.pk == principal.pk:
        return None
    return deputy


def away_note(subject: LeaveRequest) -> str:
    return _("on leave until %(end)s (%(reference)s)") % {
        "end": date_format(subject.end_date, "DATE_FORMAT"),
        "reference": subject.approval.reference,
    }


def away_start(subject: LeaveRequest) -> Delegation | None:
    """On approval: the person's deputy decides for them on the leave's dates."""
    deputy = deputy_of(subject.employee)
    if deputy is None:
        return None
    principal = subject.employee.membership
    delegation = delegation_save(
        delegation=Delegation(
            principal=principal,
            deputy=deputy,
            starts_on=subject.start_date,
            ends_on=subject.end_date,
            note=away_note(subject)[:200],
        ),
        user=principal.user,
    )
    subject.away = delegation
    subject.save(update_fields=["away"])
    return delegation


def away_withdraw(subject: LeaveRequest, *, last_day: date | None) -> None:
    """On cancellation: remove the period, or end it on ``last_day`` once the leave began."""
    delegation = subject.away
    if delegation is None:
        return
    if last_day is None or last_day < delegation.starts_on:
        subject.away = None
        subject.save(update_fields=["away"])
        delegation.delete()
        return
    delegation.ends_on = min(delegation.ends_on, last_day)
    delegation_save(delegation=delegation, user=delegation.principal.user)
