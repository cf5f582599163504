"""Leave as a kind of request: the engine routes it, leave keeps its own data.

Route conditions ("only above") compare the request's amount, which for leave
is its duration in working days (hours are converted at the person's hours per
day), so "HR above 5 working days" is a gate that applies above 5. The hooks
write the ledger inside the engine's transaction (services/requests.py).
"""

from __future__ import annotations

from django.utils.translation import gettext as _now
from django.utils.translation import gettext_lazy as _

from modules.approvals.kinds import RequestKindSpec, register_kind
from modules.approvals.models import ApproverType
from modules.employees.selectors import employee_for_user
from modules.leave.models import ZERO, LeaveRequest
from tenants.roles import RoleCode


@register_kind
class LeaveKind(RequestKindSpec):
    code = "leave"
    label = _("Leave")
    prefix = "LV"
    icon = "beach_access"
    help_text = _("Time off: annual leave, sick leave and the other types HR defines.")
    subject_model = LeaveRequest
    fields = [
        "leave_type",
        "start_date",
        "end_date",
        "start_part",
        "end_part",
        "hours",
        "reason",
        "document",
    ]
    optional_fields = {"hours", "reason", "document", "start_part", "end_part"}
    amount_field = "end_date"
    search_fields = ["reason"]
    default_route = [
        (_("Manager"), ApproverType.LINE_MANAGER, "", None),
        (_("HR"), ApproverType.ROLE, RoleCode.HR, 5),
    ]

    def before_save(self, subject, *, approval, company_currency):
        from modules.leave.validation import cost_of

        # A person requests leave for themselves unless HR names someone else.
        if subject.employee_id is None and approval.requester_id:
            subject.employee = employee_for_user(approval.requester)
        cost = cost_of(subject)
        subject.duration = cost.amount if cost is not None else ZERO

    def amount(self, subject, *, approval, company_currency, lines=None):
        from modules.leave.validation import cost_of

        cost = cost_of(subject)
        return cost.days if cost is not None else ZERO

    def amount_display(self, approval) -> str:
        from modules.leave.models import Unit
        from modules.leave.validation import amount_text

        return amount_text(approval.amount, Unit.DAYS)

    def clean_subject(self, subject) -> None:
        """The field validation, and the table's one check (dates in order) asked in Python.

        The database would answer the check with a round trip (and a savepoint)
        for a comparison of two values in hand; the constraint still guards the row.
        """
        from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

        from opsplatform.loaded import loaded_relations

        errors = {}
        try:
            subject.full_clean(
                exclude=["approval", *loaded_relations(subject)],
                validate_unique=False,
                validate_constraints=False,
            )
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        start, end = subject.start_date, subject.end_date
        in_error = {"start_date", "end_date"} & errors.keys()
        if start and end and end < start and not in_error:
            (dates_in_order,) = LeaveRequest._meta.constraints
            errors.setdefault(NON_FIELD_ERRORS, []).append(
                ValidationError(
                    dates_in_order.get_violation_error_message(),
                    code=dates_in_order.violation_error_code,
                )
            )
        if errors:
            raise ValidationError(errors)

    def approval_waived(self, approval) -> str:
        subject = self.subject_of(approval)
        if subject.leave_type_id and not subject.leave_type.requires_approval:
            return _now("%(type)s needs no approval.") % {"type": subject.leave_type}
        return ""

    def completeness_errors(self, subject, *, approval, company_currency):
        from modules.leave.validation import static_errors
        from modules.leave.working_days import company_today
        from opsplatform.tenancy.context import require_current_tenant

        today = company_today(require_current_tenant())
        return {
            field: refusal.messages[0]
            for field, refusal in static_errors(subject, today=today).items()
        }

    # -- hooks: inside the engine's decision transaction --------------------------------

    def on_submitted(self, approval, subject):
        from modules.leave.services.requests import reserve

        reserve(subject)

    def on_completed(self, approval, subject):
        from modules.leave.services.deputies import away_start
        from modules.leave.services.requests import use

        # The engine tells the requester it is approved (approvals.completed).
        use(subject)
        away_start(subject)

    def on_rejected(self, approval, subject):
        from modules.leave.services.requests import release

        # The engine tells the requester it is rejected (approvals.rejected).
        release(subject)

    def on_returned(self, approval, subject):
        from modules.leave.services.requests import release

        release(subject)

    def on_cancelled(self, approval, subject):
        from modules.leave.services.requests import release

        release(subject)
