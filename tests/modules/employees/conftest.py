"""People in Acme (tenant A) by role, and helpers to give a login an employee record."""

from __future__ import annotations

import pytest

from opsplatform.tenancy import tenant_context
from tenants.models import Membership
from tenants.roles import RoleCode


@pytest.fixture
def acme(tenant_a):
    """Run the test body as Acme (what services, selectors and tasks expect)."""
    with tenant_context(tenant_a):
        yield tenant_a


@pytest.fixture
def hr_a(tenant_a, make_member):
    return make_member(tenant_a, "hr@acme.test", roles=[RoleCode.HR])


@pytest.fixture
def finance_a(tenant_a, make_member):
    return make_member(tenant_a, "finance@acme.test", roles=[RoleCode.FINANCE])


@pytest.fixture
def ceo_a(tenant_a, make_member):
    return make_member(tenant_a, "ceo@acme.test", roles=[RoleCode.CEO])


@pytest.fixture
def link_login():
    """Make ``user``'s membership in ``tenant`` the login of ``employee``."""

    def link(tenant, user, employee):
        with tenant_context(tenant):
            employee.membership = Membership.objects.get(user=user)
            employee.save()
        return employee

    return link
