"""The rules a leave request must pass, each refused with a message that names it.

``static_errors`` holds the rules that read only the request and its type
(dates, parts, length, notice, document, blackout): the engine asks them
before a submit (``completeness_errors``) and the form's preview shows them.
``check_booking`` holds the two that read the person's other bookings (an
overlap, the balance): it runs inside the submit's transaction after the
person's row is locked, so two requests at once cannot both pass.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Q
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from modules.approvals.models import RequestStatus
from modules.leave.models import ZERO, BlackoutPeriod, LeaveRequest, Unit
from modules.leave.selectors.balances import bookable_parts
from modules.leave.working_days import Cost, leave_cost
from opsplatform.refusals import Refused

Part = LeaveRequest.Part
# A request holds its dates while it waits or once granted (unless cancelled).
BOOKED = (RequestStatus.IN_REVIEW, RequestStatus.COMPLETED)


def amount_text(value, unit: str) -> str:
    """ "3 days", "1 day", "2.5 days", "4 hours" (the type's unit)."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    count = 1 if value == 1 else 2  # "1.5 day" reads wrong: only exactly one is singular
    if unit == Unit.HOURS:
        return ngettext("%(n)s hour", "%(n)s hours", count) % {"n": text}
    return ngettext("%(n)s day", "%(n)s days", count) % {"n": text}


def _day(value: date) -> str:
    return date_format(value, "DATE_FORMAT")


def cost_of(subject: LeaveRequest) -> Cost | None:
    """The request's cost, worked out once per subject instance (None without dates)."""
    if not (subject.employee_id and subject.leave_type_id and subject.start_date):
        return None
    if not subject.end_date or subject.end_date < subject.start_date:
        return None
    inputs = (
        subject.employee_id,
        subject.leave_type_id,
        subject.start_date,
        subject.end_date,
        subject.start_part,
        subject.end_part,
        subject.hours,
    )
    cached = getattr(subject, "_leave_cost", None)
    if cached is None or cached[0] != inputs:
        cost = leave_cost(
            employee=subject.employee,
            leave_type=subject.leave_type,
            start=subject.start_date,
            end=subject.end_date,
            start_part=subject.start_part,
            end_part=subject.end_part,
            hours=subject.hours,
        )
        subject._leave_cost = cached = (inputs, cost)
    return cached[1]


def _blackouts(subject: LeaveRequest) -> list[BlackoutPeriod]:
    """The blackout periods the request falls in, read once per subject and dates."""
    employee = subject.employee
    inputs = (
        employee.department_id,
        employee.location_id,
        subject.leave_type_id,
        subject.start_date,
        subject.end_date,
    )
    cached = getattr(subject, "_leave_blackouts", None)
    if cached is None or cached[0] != inputs:
        cached = (inputs, list(_blackouts_query(subject, employee)))
        subject._leave_blackouts = cached
    return cached[1]


def _blackouts_query(subject: LeaveRequest, employee):
    return (
        BlackoutPeriod.objects.filter(
            Q(departments=None) | Q(departments=employee.department_id),
            Q(locations=None) | Q(locations=employee.location_id),
            Q(leave_types=None) | Q(leave_types=subject.leave_type_id),
            starts_on__lte=subject.end_date,
            ends_on__gte=subject.start_date,
        )
        .distinct()
        .order_by("starts_on", "pk")
    )


def _blackout_message(period: BlackoutPeriod) -> str:
    return _("%(name)s runs from %(start)s to %(end)s: no leave then.") % {
        "name": period.name,
        "start": _day(period.starts_on),
        "end": _day(period.ends_on),
    } + (f" {period.reason}" if period.reason else "")


def static_errors(subject: LeaveRequest, *, today: date) -> dict[str, Refused]:
    """{field: refusal} for every rule the request alone breaks (first per field)."""
    errors: dict[str, Refused] = {}

    def refuse(field: str, code: str, message: str) -> None:
        errors.setdefault(field, Refused(message, code=code, field=field))

    leave_type = subject.leave_type
    if leave_type is None or subject.start_date is None or subject.end_date is None:
        return errors
    if subject.end_date < subject.start_date:
        refuse("end_date", "dates", _("The last day cannot be before the first day."))
        return errors
    if not leave_type.active:
        refuse(
            "leave_type",
            "inactive",
            _("%(type)s can no longer be requested.") % {"type": leave_type},
        )
    halves = subject.start_part != Part.FULL or subject.end_part != Part.FULL
    if halves and leave_type.unit == Unit.DAYS:
        refuse(
            "start_part",
            "half_days",
            _("%(type)s is taken in whole days: choose full days.") % {"type": leave_type},
        )
    if subject.start_date != subject.end_date:
        if subject.start_part == Part.MORNING:
            refuse(
                "start_part",
                "parts",
                _(
                    "A request of several days starts in the morning or the afternoon of its first day: choose full day or afternoon."
                ),
            )
        if subject.end_part == Part.AFTERNOON:
            refuse(
                "end_part",
                "parts",
                _(
                    "A request of several days ends at the end of its last day or at midday: choose full day or morning."
                ),
            )
    if subject.hours is not None and leave_type.unit != Unit.HOURS:
        refuse("hours", "hours", _("%(type)s is not taken in hours.") % {"type": leave_type})
    if subject.hours is not None and subject.start_date != subject.end_date:
        refuse("hours", "hours", _("Hours are for a request of one day."))
    cost = cost_of(subject)
    if cost is not None:
        if cost.hours_per_day and subject.hours and subject.hours > cost.hours_per_day:
            refuse(
                "hours",
                "hours",
                _("A working day has %(hours)s.")
                % {"hours": amount_text(cost.hours_per_day, Unit.HOURS)},
            )
        if cost.days <= 0:
            refuse(
                "end_date",
                "zero",
                _("These dates hold no working day: the request would cost nothing."),
            )
        limit = leave_type.max_consecutive_days
        if limit is not None and cost.days > limit:
            refuse(
                "end_date",
                "too_long",
                _("%(type)s can be taken for at most %(limit)s in a row; this request is %(days)s.")
                % {
                    "type": leave_type,
                    "limit": amount_text(limit, Unit.DAYS),
                    "days": amount_text(cost.days, Unit.DAYS),
                },
            )
        if leave_type.requires_document and not subject.document:
            above = leave_type.document_above_days
            if above is None or cost.days > above:
                message = (
                    _("%(type)s needs a supporting document.")
                    if above is None
                    else _("%(type)s needs a supporting document above %(limit)s.")
                )
                refuse(
                    "document",
                    "document",
                    message % {"type": leave_type, "limit": amount_text(above or ZERO, Unit.DAYS)},
                )
    notice = (subject.start_date - today).days
    if leave_type.min_notice_days and notice < leave_type.min_notice_days:
        refuse(
            "start_date",
            "notice",
            _("%(type)s must be requested %(days)s days ahead; %(start)s is %(left)s days away.")
            % {
                "type": leave_type,
                "days": leave_type.min_notice_days,
                "start": _day(subject.start_date),
                "left": max(notice, 0),
            },
        )
    if subject.employee_id:
        for period in _blackouts(subject):
            if period.action == BlackoutPeriod.Action.REFUSE:
                refuse("start_date", "blackout", _blackout_message(period))
                break
    return errors


def blackout_warnings(subject: LeaveRequest) -> list[str]:
    """The warn-only blackout periods the request falls in: the person confirms them."""
    if not (subject.employee_id and subject.start_date and subject.end_date):
        return []
    return [
        _("%(name)s runs from %(start)s to %(end)s: leave then is discouraged.")
        % {"name": period.name, "start": _day(period.starts_on), "end": _day(period.ends_on)}
        + (f" {period.reason}" if period.reason else "")
        for period in _blackouts(subject)
        if period.action == BlackoutPeriod.Action.WARN
    ]


def _covers(request: LeaveRequest, day: date) -> set[str]:
    """Which halves of ``day`` the request takes."""
    if (
        request.start_date == request.end_date
        and request.start_part == request.end_part == Part.FULL
    ):
        return {"am", "pm"}
    if request.start_date == request.end_date:
        part = request.start_part if request.start_part != Part.FULL else request.end_part
        return {"am"} if part == Part.MORNING else {"pm"}
    if day == request.start_date and request.start_part == Part.AFTERNOON:
        return {"pm"}
    if day == request.end_date and request.end_part == Part.MORNING:
        return {"am"}
    return {"am", "pm"}


def overlapping(subject: LeaveRequest) -> LeaveRequest | None:
    """The person's own pending or granted leave that shares a half day with ``subject``."""
    others = (
        LeaveRequest.objects.filter(
            employee_id=subject.employee_id,
            start_date__lte=subject.end_date,
            end_date__gte=subject.start_date,
            approval__status__in=BOOKED,
            cancelled_at__isnull=True,
        )
        .exclude(pk=subject.pk)
        .select_related("approval")
        .order_by("start_date", "pk")
    )
    for other in others:
        first, last = (
            max(other.start_date, subject.start_date),
            min(other.end_date, subject.end_date),
        )
        if first < last or _covers(other, first) & _covers(subject, first):
            return other
    return None


def check_booking(subject: LeaveRequest, cost: Cost) -> None:
    """Refuse an overlap with the person's own leave, or a cost above what they may book."""
    clash = overlapping(subject)
    if clash is not None:
        raise Refused(
            _(
                "These dates overlap %(reference)s (%(start)s to %(end)s), your own leave that is %(status)s."
            )
            % {
                "reference": clash.approval.reference,
                "start": _day(clash.start_date),
                "end": _day(clash.end_date),
                "status": clash.approval.get_status_display().lower(),
            },
            code="overlap",
            field="start_date",
        )
    leave_type = subject.leave_type
    if not leave_type.tracks_balance:
        return
    balance, limit = bookable_parts(subject.employee, leave_type)
    if cost.amount > balance + limit:
        raise Refused(
            _(
                "Not enough %(type)s: the balance is %(balance)s, this request costs %(cost)s and the balance may go %(limit)s below zero."
            )
            % {
                "type": leave_type,
                "balance": amount_text(balance, leave_type.unit),
                "cost": amount_text(cost.amount, leave_type.unit),
                "limit": amount_text(limit, leave_type.unit),
            },
            code="balance",
            field="end_date",
        )
