"""A company with an approval chain: a requester, their manager and the manager's
manager, revenue assurance, a CEO and an owner, each with a login and an
employee record, plus the default routes."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest

from modules.approvals import services
from modules.employees.models import Department, Employee
from opsplatform.tenancy import tenant_context
from tenants.models import Membership, User
from tenants.roles import RoleCode


@dataclass
class Chain:
    tenant: object
    requester: User
    manager: User
    director: User
    ra: User
    ceo: User
    owner: User
    department: Department

    def employee(self, user: User) -> Employee:
        return Employee.objects.get(membership__user=user)


def link_employee(
    user: User, *, number: str, manager: Employee | None = None, department=None
) -> Employee:
    first, _, last = (user.full_name or user.email).partition(" ")
    return Employee.objects.create(
        employee_number=number,
        first_name=first,
        last_name=last or "Person",
        hire_date="2024-01-01",
        manager=manager,
        department=department,
        membership=Membership.objects.get(user=user),
    )


@pytest.fixture
def chain(tenant_a, owner_a, make_member) -> Chain:
    requester = make_member(tenant_a, "erin@acme.test", roles=[RoleCode.EMPLOYEE])
    manager = make_member(tenant_a, "mark@acme.test", roles=[RoleCode.MANAGER])
    director = make_member(tenant_a, "dora@acme.test", roles=[RoleCode.MANAGER])
    ra = make_member(tenant_a, "rita@acme.test", roles=[RoleCode.REVENUE_ASSURANCE])
    ceo = make_member(tenant_a, "cleo@acme.test", roles=[RoleCode.CEO])
    with tenant_context(tenant_a):
        department = Department.objects.create(name="Operations")
        boss = link_employee(owner_a, number="E-1")
        link_employee(ceo, number="E-2", manager=boss)
        link_employee(ra, number="E-3", manager=boss)
        dora = link_employee(director, number="E-4", manager=boss, department=department)
        mark = link_employee(manager, number="E-5", manager=dora, department=department)
        link_employee(requester, number="E-6", manager=mark, department=department)
        services.routes_ensure_defaults()
    return Chain(tenant_a, requester, manager, director, ra, ceo, owner_a, department)


def purchase(user: User, *, total: int = 1000, title: str = "Laptops", **fields):
    return services.request_create(
        user=user,
        kind="purchase",
        title=title,
        vendor="Dell",
        lines=[{"description": "Item", "quantity": Decimal(1), "unit_price": Decimal(total)}],
        **fields,
    )


@pytest.fixture
def in_acme(chain):
    with tenant_context(chain.tenant):
        yield chain


def gate_of(request) -> int:
    """The gate a request stands at: what its page's decision form sends as ``step``."""
    from modules.approvals.models import StepStatus

    return request.steps.get(status=StepStatus.CURRENT).pk


def decide(request, user, decision="approve", **kwargs):
    """Decide the gate the request stands at, naming it as the page's form does."""
    kwargs.setdefault("step_id", gate_of(request))
    return services.request_decide(request_id=request.pk, user=user, decision=decision, **kwargs)
