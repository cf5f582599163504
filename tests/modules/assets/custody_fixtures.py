"""A company for the custody tests: Olive the owner, Hana from HR, Fin from
finance (who keep or see the register), Max and Mia (plain employees, each with
an employee record) and Nora (a login without one). Imported by the custody
test files (tests/modules/assets/test_custody*.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from modules.employees.models import Department, Employee
from opsplatform.tenancy import tenant_context
from tenants.models import Membership, User
from tenants.roles import RoleCode
from tests.modules.assets.factories import AssetFactory


@dataclass
class Office:
    tenant: object
    owner: User
    hr: User
    finance: User
    max: User
    mia: User
    nora: User
    max_employee: Employee
    mia_employee: Employee
    it: Department

    def employee(self, user: User) -> Employee:
        return Employee.objects.get(membership__user=user)


def link(user: User, number: str) -> Employee:
    first = (user.full_name or user.email.split("@")[0]).title()
    return Employee.objects.create(
        employee_number=number,
        first_name=first,
        last_name=number,
        hire_date=date(2024, 1, 1),
        membership=Membership.objects.get(user=user),
    )


@pytest.fixture
def office(tenant_a, owner_a, make_member) -> Office:
    hr = make_member(tenant_a, "hana@acme.test", roles=[RoleCode.HR])
    finance = make_member(tenant_a, "fin@acme.test", roles=[RoleCode.FINANCE])
    max_ = make_member(tenant_a, "max@acme.test", roles=[RoleCode.EMPLOYEE])
    mia = make_member(tenant_a, "mia@acme.test", roles=[RoleCode.EMPLOYEE])
    nora = make_member(tenant_a, "nora@acme.test", roles=[RoleCode.EMPLOYEE])
    with tenant_context(tenant_a):
        link(owner_a, "E-1")
        link(hr, "E-2")
        link(finance, "E-3")
        max_employee = link(max_, "E-5")
        mia_employee = link(mia, "E-6")
        it = Department.objects.create(name="IT")
    return Office(tenant_a, owner_a, hr, finance, max_, mia, nora, max_employee, mia_employee, it)


@pytest.fixture
def in_office(office):
    with tenant_context(office.tenant):
        yield office


def laptop(tag: str = "LAP-00001", **fields):
    fields.setdefault("name", "ThinkPad X1")
    return AssetFactory(tag=tag, **fields)
