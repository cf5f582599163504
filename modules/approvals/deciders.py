"""Who decides each gate of a request: conditions, vacancies and self-approval.

Resolution reads the requester's place in the company (line manager, department
head, role holders) and answers, for one gate, whether it applies and who
decides it, with a note in plain words whenever the answer is not the obvious
one ("Dana is the requester: passed to her manager Omar"). The same code
drives the preview before submitting and the copy made at submission.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from modules.approvals.models import ApprovalRequest, ApproverType, GateDefinition
from modules.employees.models import Department, Employee
from tenants.models import Membership, RoleGrant, User
from tenants.roles import RoleCode


@dataclass
class Resolution:
    applies: bool
    approver: User | None = None  # one named person decides
    role: str = ""  # or anyone with this role except the requester
    deciders: list[User] = field(default_factory=list)  # the names to show
    note: str = ""


class Directory:
    """The company's people as routing needs them, loaded once per resolution run."""

    def __init__(self):
        self._employees: dict[int, Employee] = {}
        self._role_holders: dict[str, list[User]] | None = None
        self._members: dict[int, Membership] = {}
        self._departments: dict[int, Department | None] = {}

    def know(self, employee: Employee) -> None:
        """An employee row already in hand (the requester's): not read again."""
        self._employees.setdefault(employee.pk, employee)

    def employee(self, pk: int | None) -> Employee | None:
        if pk is None:
            return None
        if pk not in self._employees:
            self._employees[pk] = (
                Employee.objects.select_related("membership__user", "department")
                .filter(pk=pk)
                .first()
            )
        return self._employees[pk]

    def department(self, pk: int | None) -> Department | None:
        if pk is None:
            return None
        if pk not in self._departments:
            self._departments[pk] = Department.objects.filter(pk=pk).first()
        return self._departments[pk]

    def user_of(self, employee: Employee | None) -> User | None:
        membership = employee.membership if employee is not None else None
        if membership is None or membership.status != Membership.Status.ACTIVE:
            return None
        return membership.user

    def member_user(self, membership_id: int | None) -> User | None:
        if membership_id is None:
            return None
        if membership_id not in self._members:
            self._members[membership_id] = (
                Membership.objects.select_related("user").filter(pk=membership_id).first()
            )
        membership = self._members[membership_id]
        if membership is None or membership.status != Membership.Status.ACTIVE:
            return None
        return membership.user

    def holders(self, role: str) -> list[User]:
        if self._role_holders is None:
            self._role_holders = {}
            grants = (
                RoleGrant.objects.filter(membership__status=Membership.Status.ACTIVE)
                .select_related("membership__user")
                .order_by("membership__user__full_name", "pk")
            )
            for grant in grants:
                self._role_holders.setdefault(grant.role, []).append(grant.membership.user)
        return self._role_holders.get(role, [])


def _money(value: Decimal) -> str:
    return number_format(value, decimal_pos=2, use_l10n=True, force_grouping=True)


def condition_note(gate: GateDefinition, request: ApprovalRequest) -> str:
    """Why the gate does not apply to this request, or "" when it does."""
    if gate.min_amount is not None and request.amount <= gate.min_amount:
        return _("Only for amounts above %(limit)s.") % {"limit": _money(gate.min_amount)}
    if gate.max_amount is not None and request.amount > gate.max_amount:
        return _("Only for amounts up to %(limit)s.") % {"limit": _money(gate.max_amount)}
    if gate.department_id and request.department_id != gate.department_id:
        return _("Only for another department.")
    return ""


def next_manager_up(
    directory: Directory, employee: Employee | None, requester: User
) -> User | None:
    """The nearest manager above ``employee`` who has a login and is not the requester."""
    seen: set[int] = set()
    current = directory.employee(employee.manager_id) if employee is not None else None
    while current is not None and current.pk not in seen:
        seen.add(current.pk)
        user = directory.user_of(current)
        if user is not None and user.pk != requester.pk:
            return user
        current = directory.employee(current.manager_id)
    return None


def _named_by_kind(request: ApprovalRequest, directory: Directory) -> Employee | None:
    from modules.approvals.kinds import get_kind

    spec = get_kind(request.kind)
    if spec is None:
        return None
    named = spec.named_approver(spec.subject_of(request))
    if named is None:
        return None
    return directory.employee(named.pk)


def resolve_gate(
    gate: GateDefinition, request: ApprovalRequest, directory: Directory
) -> Resolution:
    skip = condition_note(gate, request)
    if skip:
        return Resolution(applies=False, note=skip)

    requester = request.requester
    requester_employee = directory.employee(request.employee_id)
    approver: User | None = None
    origin: Employee | None = None  # whose manager is "the next person up"
    vacancy = ""

    if gate.approver_type == ApproverType.LINE_MANAGER:
        manager = directory.employee(requester_employee.manager_id) if requester_employee else None
        approver = directory.user_of(manager)
        origin = manager
        if approver is None:
            vacancy = (
                _("%(name)s has no login.") % {"name": manager.full_name}
                if manager is not None
                else _("The requester has no line manager.")
            )
    elif gate.approver_type == ApproverType.DEPARTMENT_HEAD:
        department = directory.department(request.department_id)
        head = directory.employee(department.head_id) if department is not None else None
        approver = directory.user_of(head)
        origin = head
        if approver is None:
            vacancy = _("The requester's department has no head with a login.")
    elif gate.approver_type == ApproverType.PERSON:
        approver = directory.member_user(gate.person_id)
        if approver is None:
            vacancy = _("The named person is no longer an active member.")
    elif gate.approver_type == ApproverType.KIND:
        # The request's own record names the approver (a timesheet: the project's
        # manager); the same vacancy and self-approval rules as the others: a
        # manager's own timesheet goes up their line (origin is the named person).
        named = _named_by_kind(request, directory)
        approver = directory.user_of(named)
        origin = named
        if approver is None:
            vacancy = (
                _("%(name)s has no login.") % {"name": named.full_name}
                if named is not None
                else _("The request names nobody to decide it.")
            )
    elif gate.approver_type == ApproverType.ROLE:
        holders = directory.holders(gate.role)
        others = [user for user in holders if user.pk != requester.pk]
        if others:
            return Resolution(applies=True, role=gate.role, deciders=others)
        if holders:
            approver = requester  # the only holder is the requester: handled below
        else:
            vacancy = _("Nobody holds the role %(role)s.") % {
                "role": RoleCode(gate.role).label if gate.role in RoleCode.values else gate.role
            }

    if approver is not None and approver.pk == requester.pk:
        # Nobody decides their own request: the next person up, or the escalation target.
        target = directory.member_user(gate.escalate_to_id)
        if target is None or target.pk == requester.pk:
            target = next_manager_up(directory, origin or requester_employee, requester)
        if target is None:
            return Resolution(
                applies=False,
                note=_("Skipped: %(name)s is the requester and nobody is above them.")
                % {"name": requester.get_full_name()},
            )
        return Resolution(
            applies=True,
            approver=target,
            deciders=[target],
            note=_("%(name)s is the requester: passed to %(next)s.")
            % {"name": requester.get_full_name(), "next": target.get_full_name()},
        )

    if approver is None:
        target = directory.member_user(gate.escalate_to_id)
        if target is not None and target.pk != requester.pk:
            return Resolution(
                applies=True,
                approver=target,
                deciders=[target],
                note=vacancy
                + " "
                + _("Passed to the escalation target %(name)s.") % {"name": target.get_full_name()},
            )
        owners = [user for user in directory.holders(RoleCode.OWNER) if user.pk != requester.pk]
        if owners:
            return Resolution(
                applies=True,
                role=RoleCode.OWNER,
                deciders=owners,
                note=vacancy + " " + _("Passed to the owners."),
            )
        return Resolution(applies=False, note=vacancy + " " + _("Skipped: nobody can decide it."))

    return Resolution(applies=True, approver=approver, deciders=[approver])
