"""Fixtures of the leave tests: Acme as the current company, and its people by role."""

from __future__ import annotations

import pytest

from opsplatform.tenancy import tenant_context
from tenants.roles import RoleCode


@pytest.fixture
def acme(tenant_a):
    """Run the test body as Acme (what services, selectors and tasks expect)."""
    with tenant_context(tenant_a):
        yield tenant_a


@pytest.fixture
def hr_a(tenant_a, make_member):
    return make_member(tenant_a, "hr@acme.test", roles=[RoleCode.HR])
