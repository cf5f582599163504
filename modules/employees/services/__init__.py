"""Every write about people and organisation."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from simple_history.utils import bulk_update_with_history

from modules.employees.models import Department, Employee
from modules.employees.selectors import chain_above
from modules.employees.services.cost_rates import record_rate_changes
from modules.employees.validation import (
    check_dates,
    check_no_reporting_loop,
    check_not_own_manager,
    loop_message,
)
from opsplatform.refusals import Refused
from opsplatform.tenancy.context import require_current_tenant
from tenants.models import Membership, User

EMPLOYEE_FIELDS = {
    f.name
    for f in Employee._meta.concrete_fields
    if f.editable and f.name not in {"id", "tenant", "membership"}
}


def check_no_manager_loop(employee: Employee) -> None:
    """Refuse a line manager who already reports (directly or not) to ``employee``."""
    check_not_own_manager(employee.pk, employee.manager_id)
    if employee.manager_id is None or employee.pk is None:
        return  # nobody can report to someone who does not exist yet
    above = chain_above(employee.manager_id)  # one query, whatever the depth
    manager_of = dict(zip(above, above[1:], strict=False))
    manager_of[employee.pk] = employee.manager_id

    def names(loop: list[int]) -> list[str]:
        people = {e.pk: e.full_name for e in Employee.objects.filter(pk__in=loop)}
        people[employee.pk] = employee.full_name  # as edited, not as stored
        return [people.get(pk, "?") for pk in loop]

    check_no_reporting_loop(employee.pk, manager_of.get, names)


def check_no_department_loop(department: Department) -> None:
    seen = {department.pk}
    path = [department.name]
    parent = department.parent
    while parent is not None:
        path.append(parent.name)
        if parent.pk in seen:
            raise Refused(
                {
                    "parent": _("This would make a loop of departments: %(loop)s.")
                    % {"loop": " → ".join(path)}
                }
            )
        seen.add(parent.pk)
        parent = parent.parent


@transaction.atomic
def department_save(*, department: Department, reason: str = "") -> Department:
    department.full_clean()
    check_no_department_loop(department)
    if reason:
        department._change_reason = reason
    department.save()
    return department


@transaction.atomic
def employee_create(*, reason: str = "", **fields) -> Employee:
    unknown = set(fields) - EMPLOYEE_FIELDS
    if unknown:
        raise TypeError(f"Unknown employee fields: {sorted(unknown)}")
    employee = Employee(tenant=require_current_tenant(), **fields)
    employee.full_clean()
    employee._change_reason = reason or _("Created")
    employee.save()
    if employee.hourly_cost_rate is not None:
        record_rate_changes([(employee, None)])
    return employee


@transaction.atomic
def employee_update(*, employee: Employee, reason: str = "", **changes) -> Employee:
    unknown = set(changes) - EMPLOYEE_FIELDS
    if unknown:
        raise TypeError(f"Unknown employee fields: {sorted(unknown)}")
    employee = Employee.objects.select_for_update().get(pk=employee.pk)
    for name, value in changes.items():
        setattr(employee, name, value)
    return employee_save(employee=employee, reason=reason)


@transaction.atomic
def employee_save(*, employee: Employee, reason: str = "") -> Employee:
    """Validate and save an employee edited as a whole (the admin form)."""
    employee.full_clean()
    check_no_manager_loop(employee)
    check_dates(status=employee.status, hire_date=employee.hire_date, end_date=employee.end_date)
    if reason:
        employee._change_reason = reason
    old_rate = (
        Employee.objects.filter(pk=employee.pk).values_list("hourly_cost_rate", flat=True).first()
        if employee.pk
        else None
    )
    employee.save()
    # A changed rate is recorded as valid from today (services/cost_rates.py).
    record_rate_changes([(employee, old_rate)])
    return employee


@transaction.atomic
def employee_terminate(
    *,
    employee: Employee,
    end_date: date,
    reason: str,
    successor: Employee | None = None,
    by: User | None = None,
) -> Employee:
    """End someone's employment; their reports (and departments) move to ``successor``.

    All in one step: the reports' new manager, the departments' new head, the
    person's status and their login, or nothing at all.
    """
    employee = Employee.objects.select_for_update().get(pk=employee.pk)
    if employee.status == Employee.Status.TERMINATED:
        raise Refused(_("%(name)s is already terminated.") % {"name": employee.full_name})
    if not reason.strip():
        raise Refused({"termination_reason": _("Give a reason for the termination.")})
    reports = list(Employee.objects.filter(manager=employee).exclude(pk=employee.pk))
    active_reports = [r for r in reports if r.status != Employee.Status.TERMINATED]
    if successor is not None:
        successor = Employee.objects.get(pk=successor.pk)  # same tenant or DoesNotExist
        if successor.pk == employee.pk:
            raise Refused({"successor": _("Choose someone other than the person leaving.")})
        if successor.status == Employee.Status.TERMINATED:
            raise Refused({"successor": _("The successor is terminated.")})
    elif active_reports:
        raise Refused(
            {
                "successor": ngettext(
                    "%(name)s has %(count)d direct report; choose who takes over.",
                    "%(name)s has %(count)d direct reports; choose who takes them over.",
                    len(active_reports),
                )
                % {"name": employee.full_name, "count": len(active_reports)}
            },
            code="successor_required",
        )

    note = _("Reports moved from %(name)s, who left") % {"name": employee.full_name}
    if reports and successor is not None:
        for report in reports:
            # The successor may be one of the reports: they move up instead.
            report.manager_id = employee.manager_id if report.pk == successor.pk else successor.pk
        for report in reports:
            if report.manager_id is not None:
                chain = chain_above_with_pending(report.manager_id, reports)
                if report.pk in chain:
                    raise Refused(
                        {
                            "successor": loop_message(
                                [report.full_name, successor.full_name, report.full_name]
                            )
                        }
                    )
        bulk_update_with_history(
            reports, Employee, ["manager"], default_user=by, default_change_reason=note
        )
    headed = list(Department.objects.filter(head=employee))
    if headed:
        for department in headed:
            department.head = successor
        bulk_update_with_history(
            headed, Department, ["head"], default_user=by, default_change_reason=note
        )

    employee.status = Employee.Status.TERMINATED
    employee.end_date = end_date
    employee.termination_reason = reason.strip()
    employee.full_clean()
    employee._change_reason = _("Terminated: %(reason)s") % {"reason": reason.strip()}
    if by is not None:
        employee._history_user = by  # also outside a request (tasks, commands)
    employee.save()
    if employee.membership_id:
        close_login(employee)
    return employee


def chain_above_with_pending(start_id: int, pending: list[Employee]) -> list[int]:
    """Like chain_above, but seeing the manager changes not saved yet."""
    overrides = {e.pk: e.manager_id for e in pending}
    chain: list[int] = []
    current = start_id
    while current is not None and current not in chain:
        chain.append(current)
        if current in overrides:
            current = overrides[current]
        else:
            current = (
                Employee.objects.filter(pk=current).values_list("manager_id", flat=True).first()
            )
    return chain


def close_login(employee: Employee) -> None:
    """A leaver's login is deactivated (the company's last owner keeps theirs)."""
    from tenants.services import membership_deactivate

    membership = Membership.objects.filter(pk=employee.membership_id).first()
    if membership is None or not membership.is_active:
        return
    try:
        membership_deactivate(membership=membership, by=None)
    except ValidationError:
        # The last owner keeps their login; the employee record still ends.
        pass


@transaction.atomic
def employee_invite_to_login(*, employee: Employee, by: User, roles=None):
    """Invite the employee to log in at their work email; linked when they accept."""
    from tenants.roles import RoleCode
    from tenants.services import invitation_create

    if not employee.work_email:
        raise Refused(
            _("Add a work email before inviting %(name)s.") % {"name": employee.full_name}
        )
    if employee.membership_id:
        raise Refused(_("%(name)s can already log in.") % {"name": employee.full_name})
    return invitation_create(
        tenant=require_current_tenant(),
        email=employee.work_email,
        roles=roles or [RoleCode.EMPLOYEE],
        invited_by=by,
    )


def link_employee_on_join(*, membership: Membership) -> None:
    """After an invitation is accepted: link the employee whose work email matches."""
    email = membership.user.email
    employee = (
        Employee.objects.filter(work_email__iexact=email, membership__isnull=True)
        .exclude(status=Employee.Status.TERMINATED)
        .first()
    )
    if employee is not None:
        employee.membership = membership
        employee._change_reason = _("Login linked when the invitation was accepted")
        employee.save(update_fields=["membership"])


@transaction.atomic
def employee_update_own_contact(*, employee: Employee, **changes) -> Employee:
    """Self-service: a person edits their own contact details, and only those."""
    allowed = {
        "phone",
        "emergency_contact_name",
        "emergency_contact_phone",
        "emergency_contact_relation",
    }
    if set(changes) - allowed:
        raise Refused(_("You can change only your contact details here."))
    employee = Employee.objects.select_for_update().get(pk=employee.pk)
    for name, value in changes.items():
        setattr(employee, name, value)
    employee.full_clean()
    employee._change_reason = _("Updated by the employee (self-service)")
    employee.save()
    return employee
