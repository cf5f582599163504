"""What the request form shows before submitting (reads only, nothing is saved)."""

from __future__ import annotations

from django.db.models import Q
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from modules.approvals.models import ApprovalRequest, RequestStatus
from modules.approvals.services import route_preview
from modules.leave.models import LeaveRequest
from modules.leave.selectors.balances import balance_on
from modules.leave.validation import (
    BOOKED,
    amount_text,
    blackout_warnings,
    cost_of,
    overlapping,
    static_errors,
)
from modules.leave.working_days import company_today
from opsplatform.tenancy.context import require_current_tenant

TEAM_SHOWN = 20


def team_off(subject: LeaveRequest) -> list[LeaveRequest]:
    """Others in the person's team (same department or same manager) off on those dates."""
    employee = subject.employee
    team = Q()
    if employee.department_id:
        team |= Q(employee__department_id=employee.department_id)
    if employee.manager_id:
        team |= Q(employee__manager_id=employee.manager_id)
    if not team:
        return []
    return list(
        LeaveRequest.objects.filter(
            team,
            start_date__lte=subject.end_date,
            end_date__gte=subject.start_date,
            approval__status__in=BOOKED,
            cancelled_at__isnull=True,
        )
        .exclude(employee_id=employee.pk)
        .select_related("employee", "leave_type", "approval")
        .order_by("start_date", "pk")[:TEAM_SHOWN]
    )


def request_preview(subject: LeaveRequest, *, user) -> dict:
    """The preview as JSON-ready data: cost, balance after, problems, team off, route."""
    leave_type = subject.leave_type
    tenant = require_current_tenant()
    if subject.end_date < subject.start_date:
        return {"ready": True, "errors": [_("The last day cannot be before the first day.")]}
    cost = cost_of(subject)
    errors = [
        refusal.messages[0]
        for refusal in static_errors(subject, today=company_today(tenant)).values()
    ]
    clash = overlapping(subject)
    if clash is not None:
        errors.append(
            _("These dates overlap %(reference)s, your own leave.")
            % {"reference": clash.approval.reference}
        )
    result = {
        "ready": True,
        "cost": amount_text(cost.amount, leave_type.unit),
        "days": str(cost.days),
        "errors": errors,
        "warnings": blackout_warnings(subject),
        "team": [
            {
                "name": other.employee.full_name,
                "type": str(other.leave_type),
                "from": date_format(other.start_date, "DATE_FORMAT"),
                "until": date_format(other.end_date, "DATE_FORMAT"),
                "pending": other.approval.status == RequestStatus.IN_REVIEW,
            }
            for other in team_off(subject)
        ],
    }
    if leave_type.tracks_balance:
        balance = balance_on(subject.employee, leave_type)
        result["balance"] = amount_text(balance, leave_type.unit)
        result["balance_after"] = amount_text(balance - cost.amount, leave_type.unit)
    if not leave_type.requires_approval:
        result["route"] = []
        result["granted"] = _("%(type)s needs no approval: it is granted when you submit.") % {
            "type": leave_type
        }
        return result
    requester = subject.employee.membership.user if subject.employee.membership_id else user
    approval = ApprovalRequest(
        kind="leave",
        requester=requester,
        employee=subject.employee,
        department_id=subject.employee.department_id,
        amount=cost.days,
        currency=tenant.currency,
        status=RequestStatus.DRAFT,
    )
    result["route"] = [
        {"name": gate.name, "applies": gate.applies, "deciders": gate.deciders, "note": gate.note}
        for gate in route_preview(approval)
    ]
    return result


def my_granted_leave(user) -> list[LeaveRequest]:
    """The person's own granted leave that is not over (the page lists it to cancel)."""
    today = company_today(require_current_tenant())
    return list(
        LeaveRequest.objects.filter(
            approval__requester_id=user.pk,
            approval__status=RequestStatus.COMPLETED,
            cancelled_at__isnull=True,
            end_date__gte=today,
        )
        .select_related("approval", "leave_type")
        .order_by("start_date", "pk")[:20]
    )
