"""Leave requests: from the form to the ledger.

A request is the engine's (``modules.approvals``): it is created and
submitted through its services, and the leave kind's hooks (kind.py) write
the ledger inside the engine's decision transaction:

- submitted: RESERVATION of the cost (after the person's row is locked and
  the overlap and balance are checked again);
- approved: RELEASE of the reservation and USE of the cost;
- rejected, returned, or cancelled while pending: RELEASE.

Granted leave is cancelled here (the engine does not cancel a completed
request): before it starts, the whole cost is credited back; once started, the
working days from the cancellation on are (the day of cancelling stays taken
once it has begun: the person was off that day).
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from modules.approvals import services as approvals
from modules.approvals.models import ApprovalRequest, RequestStatus
from modules.employees.models import Employee
from modules.employees.selectors import employee_for_user
from modules.leave.models import ZERO, LeaveRequest, LedgerEntry
from modules.leave.services.ledger import entry_post
from modules.leave.validation import blackout_warnings, check_booking, cost_of
from modules.leave.working_days import company_today, cost_from
from opsplatform.refusals import Refused
from opsplatform.tenancy.context import require_current_tenant

Kind = LedgerEntry.Kind


def lock_employee(employee_id: int) -> Employee:
    """Serialise one person's bookings: every booking locks their row first."""
    return Employee.objects.select_for_update(of=("self",)).get(pk=employee_id)


def _outstanding(subject: LeaveRequest) -> tuple[int, int]:
    """(reservations written, what of them is still held) for the request (one query)."""
    row = LedgerEntry.objects.filter(
        request=subject, kind__in=[Kind.RESERVATION, Kind.RELEASE]
    ).aggregate(
        made=Count("pk", filter=Q(kind=Kind.RESERVATION)),
        held=Sum("amount"),
    )
    return row["made"], -(row["held"] or ZERO)


def reserve(subject: LeaveRequest) -> None:
    """On submit: lock the person, check again, and reserve the cost."""
    # The request's own rules were checked before the submit (the kind's
    # completeness_errors); what depends on other bookings is checked under the lock.
    lock_employee(subject.employee_id)
    cost = cost_of(subject)
    check_booking(subject, cost)
    if subject.duration != cost.amount:  # worked out with the draft; saved again if it moved
        subject.duration = cost.amount
        subject.save(update_fields=["duration"])
    if not subject.leave_type.tracks_balance:
        return
    made, _held = _outstanding(subject)
    entry_post(
        employee=subject.employee,
        leave_type=subject.leave_type,
        kind=Kind.RESERVATION,
        amount=-cost.amount,
        effective_on=subject.start_date,
        request=subject,
        key=f"reserve:{subject.pk}:{made + 1}",
        key_unused=True,  # under the person's lock, just counted
    )


def release(subject: LeaveRequest) -> None:
    """Give back what the request still holds (rejected, returned or cancelled)."""
    made, held = _outstanding(subject)
    if held:
        entry_post(
            employee=subject.employee,
            leave_type=subject.leave_type,
            kind=Kind.RELEASE,
            amount=held,
            effective_on=subject.start_date,
            request=subject,
            key=f"release:{subject.pk}:{made}",
        )


def use(subject: LeaveRequest) -> None:
    """On approval: the reservation becomes leave taken."""
    release(subject)
    if subject.leave_type.tracks_balance:
        entry_post(
            employee=subject.employee,
            leave_type=subject.leave_type,
            kind=Kind.USE,
            amount=-subject.duration,
            effective_on=subject.start_date,
            request=subject,
            key=f"use:{subject.pk}",
        )


def _title(leave_type, start: date, end: date) -> str:
    first = date_format(start, "DATE_FORMAT")
    if start == end:
        return _("%(type)s on %(day)s") % {"type": leave_type, "day": first}
    return _("%(type)s from %(start)s to %(end)s") % {
        "type": leave_type,
        "start": first,
        "end": date_format(end, "DATE_FORMAT"),
    }


def leave_request_submit(
    *,
    user,
    leave_type,
    start_date: date,
    end_date: date,
    employee: Employee | None = None,
    start_part: str = LeaveRequest.Part.FULL,
    end_part: str = LeaveRequest.Part.FULL,
    hours=None,
    reason: str = "",
    document=None,
    confirm_blackout: bool = False,
) -> ApprovalRequest:
    """Create a leave request and submit it, in one transaction (the engine's).

    A person requests for themselves; HR (``leave.request_for_others``) may
    name another employee with a login, who becomes the requester (they
    decide nothing on it, cancel it and hear of its outcome). A blackout
    period that only warns needs ``confirm_blackout``.
    """
    own = employee_for_user(user)
    if employee is None or (own is not None and employee.pk == own.pk):
        if own is None:
            raise Refused(_("Only people with an employee record can request leave."))
        employee, requester = own, user
    else:
        if not user.has_perm("leave.request_for_others"):
            raise Refused(_("You can only request leave for yourself."), field="employee")
        membership = employee.membership
        if membership is None or membership.status != membership.Status.ACTIVE:
            raise Refused(
                _("%(name)s has no login, so cannot hold a request.") % {"name": employee},
                field="employee",
            )
        requester = membership.user
    if start_date and end_date and end_date < start_date:
        raise Refused(
            _("The last day cannot be before the first day."), code="dates", field="end_date"
        )
    draft = LeaveRequest(
        employee=employee,
        leave_type=leave_type,
        start_date=start_date,
        end_date=end_date,
        start_part=start_part,
        end_part=end_part,
        hours=hours,
        reason=reason,
        document=document or "",
    )
    warnings = (
        blackout_warnings(draft) if start_date and end_date and end_date >= start_date else []
    )
    if warnings and not confirm_blackout:
        raise Refused(" ".join(warnings), code="blackout_warning", field="start_date")
    # The draft itself becomes the request's subject: what was worked out for it
    # (the cost, the blackouts) is not read again by the engine's checks.
    return approvals.request_create_and_submit(
        user=requester,
        kind="leave",
        title=_title(leave_type, start_date, end_date),
        description=reason,
        subject=draft,
        # Read just now with its department (employee_for_user): the engine's own.
        requester_employee=own if employee is own else None,
    )


def _may_cancel(subject: LeaveRequest, user, today: date) -> None:
    if user.has_perm("leave.cancel_any_leave"):
        return
    if subject.approval.requester_id != user.pk:
        raise Refused(_("Only the person on leave or HR can cancel this leave."))
    if subject.start_date <= today:
        raise Refused(_("This leave has started: ask HR to cancel the rest of it."))


@transaction.atomic
def leave_cancel_approved(*, request: LeaveRequest, user, reason: str = "") -> LeaveRequest:
    """Cancel granted leave: credit back what is not yet taken, keep what was.

    The requester may until it starts; HR at any time. ``cancelled_at`` marks it.
    """
    from modules.leave.handlers import leave_cancelled
    from modules.leave.services.deputies import away_withdraw

    lock_employee(request.employee_id)
    subject = (
        LeaveRequest.objects.select_for_update(of=("self",))
        .select_related("approval", "leave_type", "employee")
        .get(pk=request.pk)
    )
    if subject.approval.status != RequestStatus.COMPLETED:
        raise Refused(
            _("Only granted leave is cancelled here; a pending request is cancelled on its page.")
        )
    if subject.cancelled_at is not None:
        raise Refused(_("This leave was already cancelled."))
    today = company_today(require_current_tenant())
    _may_cancel(subject, user, today)
    if today > subject.end_date:
        raise Refused(_("This leave is over: nothing is left to cancel."))
    # Started: today stays taken (the person was off), the days after it come back.
    first_back = (
        subject.start_date
        if today < subject.start_date
        else date.fromordinal(today.toordinal() + 1)
    )
    credit = cost_from(cost_of(subject), first_back)
    if credit and subject.leave_type.tracks_balance:
        entry_post(
            employee=subject.employee,
            leave_type=subject.leave_type,
            kind=Kind.CREDIT,
            amount=credit,
            effective_on=max(first_back, subject.start_date),
            request=subject,
            key=f"credit:{subject.pk}",
            reason=reason.strip()[:255],
            user=user,
        )
    subject.cancelled_at = timezone.now()
    subject._change_reason = reason.strip() or _("Leave cancelled")
    subject.save(update_fields=["cancelled_at"])
    approvals.comment_add(
        approval=subject.approval,
        user=user,
        body=_("Leave cancelled; %(credit)s credited back.") % {"credit": credit}
        + (f" {reason.strip()}" if reason.strip() else ""),
    )
    away_withdraw(subject, last_day=None if first_back == subject.start_date else today)
    leave_cancelled(subject, actor=user, credit=credit)
    return subject
