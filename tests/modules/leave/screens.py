"""A company for the "what people see" tests: an owner at the top, HR, the CEO,
finance, a manager (Bo) with a team lead (Lea) and her report (Wes), and Hal,
an employee of another department who will try to see what he should not.
Approved leave is made through the approvals engine, as a person would."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from modules.approvals import services as approvals
from modules.approvals.models import RequestStatus, StepStatus
from modules.employees.models import Department, Employee
from modules.leave.models import LedgerEntry
from modules.leave.services.ledger import entry_post
from tenants.models import Membership, RoleGrant, User
from tests.modules.leave.factories import LeaveTypeFactory


@dataclass
class Office:
    tenant: object
    owner: User
    hr: User
    ceo: User
    finance: User
    boss: User
    lead: User
    worker: User
    hostile: User
    ops: Department
    sales: Department

    def employee(self, user: User) -> Employee:
        return Employee.objects.get(membership__user=user)


def link(user: User, number: str, *, manager=None, department=None) -> Employee:
    first, _, last = (user.full_name or user.email).partition(" ")
    return Employee.objects.create(
        employee_number=number,
        first_name=first,
        last_name=last or number,
        hire_date=date(2024, 1, 1),
        manager=manager,
        department=department,
        membership=Membership.objects.get(user=user),
    )


def allocate(employee, leave_type, amount="20", on=None) -> LedgerEntry:
    return entry_post(
        employee=employee,
        leave_type=leave_type,
        kind=LedgerEntry.Kind.ALLOCATION,
        amount=Decimal(amount),
        effective_on=on or date.today().replace(month=1, day=1),
        reason="Yearly allocation",
    )


def weekdays(start: date, end: date) -> int:
    return sum(1 for n in range((end - start).days + 1) if (start + timedelta(n)).weekday() < 5)


def _decider(step) -> User:
    if step.approver_id:
        return step.approver
    grant = (
        RoleGrant.objects.filter(role=step.decider_role)
        .exclude(membership__user=step.request.requester)
        .select_related("membership__user")
        .first()
    )
    return grant.membership.user


def request_leave(user: User, start: date, end: date, leave_type=None, *, approve=True, **extra):
    """Leave through the engine: a draft, submitted, and (``approve``) decided at every
    gate until approved. Returns the leave request (the engine's subject)."""
    leave_type = leave_type or LeaveTypeFactory()
    approval = approvals.request_create(
        user=user,
        kind="leave",
        title=f"{leave_type.name} {start}",
        leave_type=leave_type,
        start_date=start,
        end_date=end,
        **extra,
    )
    subject = approval.leaverequest
    if not subject.duration:
        # Without the request flow's working-day count, the test counts weekdays.
        subject.duration = Decimal(weekdays(start, end))
        approval = approvals.request_save(approval=approval, user=user, subject=subject)
    approval = approvals.request_submit(request_id=approval.pk, user=user)
    while approve and approval.status == RequestStatus.IN_REVIEW:
        step = approval.steps.get(status=StepStatus.CURRENT)
        approval = approvals.request_decide(
            request_id=approval.pk, user=_decider(step), decision="approve", step_id=step.pk
        ).approval
    approval.refresh_from_db()
    return approval.leaverequest
