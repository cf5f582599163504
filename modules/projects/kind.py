"""The weekly timesheet as a kind of request: the engine routes it, projects keep the hours.

One timesheet is one person's week on one project, decided by **that project's
manager** (the gate "named by the request", ApproverType.KIND, resolved through
``named_approver``); a manager's own week on their project goes to their line
manager (the engine's self-approval rule). The amount is the week's hours.
The hooks run inside the engine's decision transaction: submitting attaches the
week's entries and locks them, approving keeps them locked for good, returning
unlocks them for editing and resubmitting, rejecting (or withdrawing) lets them go.

A timesheet is raised from the week grid (services/timesheets.py): the request
form shows only its week, and a request without a project is refused at submit.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.db.models import Q, Sum
from django.utils.translation import gettext as _now
from django.utils.translation import gettext_lazy as _

from modules.approvals.kinds import RequestKindSpec, register_kind
from modules.approvals.models import ApproverType
from modules.employees.selectors import employee_for_user
from modules.projects.models import TimeLog, Timesheet

ZERO = Decimal("0")


def week_entries(subject: Timesheet):
    """The entries a timesheet holds or takes on submit: the person's on the project
    that week, not already in another live timesheet."""
    if subject.employee_id is None or subject.project_id is None or subject.week_start is None:
        return TimeLog.objects.none()
    free = Q(timesheet__isnull=True)
    if subject.pk is not None:
        free |= Q(timesheet_id=subject.pk)
    return TimeLog.objects.filter(
        free,
        employee_id=subject.employee_id,
        project_id=subject.project_id,
        date__gte=subject.week_start,
        date__lt=subject.week_start + timedelta(days=7),
    )


def week_hours(subject: Timesheet) -> Decimal:
    return week_entries(subject).aggregate(total=Sum("hours"))["total"] or ZERO


def hours_text(hours) -> str:
    from django.utils.formats import number_format

    return _now("%(hours)s h") % {"hours": number_format(hours, decimal_pos=2)}


@register_kind
class TimesheetKind(RequestKindSpec):
    code = "timesheet"
    label = _("Timesheet")
    prefix = "TS"
    icon = "schedule"
    help_text = _("A week of time on a project, for its project manager to approve.")
    subject_model = Timesheet
    fields = ["week_start"]
    amount_field = "week_start"
    default_route = [(_("Project manager"), ApproverType.KIND, "", None)]
    names_approver = True

    def named_approver(self, subject):
        if subject.project_id is None:
            return None
        return subject.project.manager

    def before_save(self, subject, *, approval, company_currency):
        if subject.employee_id is None and approval.requester_id:
            subject.employee = employee_for_user(approval.requester)
        subject.hours = week_hours(subject)

    def amount(self, subject, *, approval, company_currency, lines=None):
        return week_hours(subject)

    def amount_display(self, approval) -> str:
        return hours_text(approval.amount)

    def completeness_errors(self, subject, *, approval, company_currency):
        errors = {}
        if subject.project_id is None:
            errors["week_start"] = _now(
                "Submit a timesheet from My timesheet: it names the project."
            )
        elif subject.week_start is not None and subject.week_start.weekday() != 0:
            errors["week_start"] = _now("A week starts on a Monday.")
        return errors

    # -- hooks: inside the engine's decision transaction --------------------------------

    def on_submitted(self, approval, subject):
        subject.hours = week_hours(subject)
        subject.state = Timesheet.State.SUBMITTED
        subject.save(update_fields=["hours", "state"])
        week_entries(subject).update(timesheet=subject)

    def on_completed(self, approval, subject):
        subject.state = Timesheet.State.APPROVED
        subject.save(update_fields=["state"])

    def on_returned(self, approval, subject):
        # The entries stay attached but unlocked: the person edits and resubmits.
        subject.state = Timesheet.State.RETURNED
        subject.save(update_fields=["state"])

    def on_rejected(self, approval, subject):
        self._let_go(subject)

    def on_cancelled(self, approval, subject):
        # Withdrawn: counted as rejected (not live), so the week can be submitted again.
        self._let_go(subject)

    def _let_go(self, subject):
        subject.state = Timesheet.State.REJECTED
        subject.save(update_fields=["state"])
        TimeLog.objects.filter(timesheet=subject).update(timesheet=None)
