"""Leave as a kind of request: the engine routes it, leave keeps its own data.

Route conditions ("only above") compare the request's amount, which for leave
is its duration in working days (hours are converted at the person's hours per
day), so "HR above 5 working days" is a gate that applies above 5.
"""

from __future__ import annotations

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
        # A person requests leave for themselves unless HR names someone else.
        if subject.employee_id is None and approval.requester_id:
            subject.employee = employee_for_user(approval.requester)

    def amount(self, subject, *, approval, company_currency, lines=None):
        return subject.duration or ZERO
