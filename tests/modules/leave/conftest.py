"""Fixtures of the leave tests."""

from __future__ import annotations

import pytest

from modules.approvals import services as approvals
from modules.employees.models import Department
from opsplatform.tenancy import tenant_context
from tenants.roles import RoleCode
from tests.modules.leave.screens import Office, link


@pytest.fixture
def office(tenant_a, owner_a, make_member) -> Office:
    hr = make_member(tenant_a, "hana@acme.test", roles=[RoleCode.HR])
    ceo = make_member(tenant_a, "cleo@acme.test", roles=[RoleCode.CEO])
    finance = make_member(tenant_a, "fin@acme.test", roles=[RoleCode.FINANCE])
    boss = make_member(tenant_a, "bo@acme.test", roles=[RoleCode.MANAGER])
    lead = make_member(tenant_a, "lea@acme.test", roles=[RoleCode.MANAGER])
    worker = make_member(tenant_a, "wes@acme.test", roles=[RoleCode.EMPLOYEE])
    hostile = make_member(tenant_a, "hal@acme.test", roles=[RoleCode.EMPLOYEE])
    with tenant_context(tenant_a):
        ops = Department.objects.create(name="Operations")
        sales = Department.objects.create(name="Sales")
        top = link(owner_a, "E-1")
        bo = link(boss, "E-2", manager=top, department=ops)
        lea = link(lead, "E-3", manager=bo, department=ops)
        link(worker, "E-4", manager=lea, department=ops)
        link(hostile, "E-5", manager=top, department=sales)
        approvals.routes_ensure_defaults()
    return Office(tenant_a, owner_a, hr, ceo, finance, boss, lead, worker, hostile, ops, sales)


@pytest.fixture
def in_office(office):
    with tenant_context(office.tenant):
        yield office


@pytest.fixture
def acme(tenant_a):
    """Run the test body as Acme (what services, selectors and tasks expect)."""
    with tenant_context(tenant_a):
        yield tenant_a


@pytest.fixture
def hr_a(tenant_a, make_member):
    return make_member(tenant_a, "hr@acme.test", roles=[RoleCode.HR])
