"""Who sees which people, asked of one selector: what the employee list, its
search, export and autocomplete show, and what other modules ask."""

from __future__ import annotations

import pytest

from modules.employees.selectors import has_reports, is_manager_of, visible_employees
from opsplatform.tenancy import tenant_context
from tenants.roles import RoleCode
from tests.modules.employees.factories import EmployeeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(tenant_a, make_member, link_login):
    """Boss → Mid → Junior, and Other outside the line; Mid and Junior can log in."""
    mid_login = make_member(tenant_a, "mid@acme.test", roles=[RoleCode.EMPLOYEE])
    junior_login = make_member(tenant_a, "junior@acme.test", roles=[RoleCode.EMPLOYEE])
    with tenant_context(tenant_a):
        boss = EmployeeFactory(employee_number="B1", first_name="Boss")
        mid = EmployeeFactory(employee_number="M1", first_name="Mid", manager=boss)
        junior = EmployeeFactory(employee_number="J1", first_name="Junior", manager=mid)
        other = EmployeeFactory(employee_number="O1", first_name="Other")
    link_login(tenant_a, mid_login, mid)
    link_login(tenant_a, junior_login, junior)
    return {
        "boss": boss,
        "mid": mid,
        "junior": junior,
        "other": other,
        "mid_login": mid_login,
        "junior_login": junior_login,
    }


def numbers(queryset) -> set[str]:
    return set(queryset.values_list("employee_number", flat=True))


def test_hr_sees_everyone(tenant_a, hr_a, team):
    with tenant_context(tenant_a):
        assert numbers(visible_employees(hr_a)) == {"B1", "M1", "J1", "O1"}


def test_a_manager_sees_their_reports_only(tenant_a, team):
    with tenant_context(tenant_a):
        assert numbers(visible_employees(team["mid_login"])) == {"J1"}
        assert has_reports(team["mid_login"])
        assert is_manager_of(team["mid_login"], team["junior"])
        assert not is_manager_of(team["mid_login"], team["other"])


def test_an_employee_without_reports_sees_nobody(tenant_a, team):
    with tenant_context(tenant_a):
        assert numbers(visible_employees(team["junior_login"])) == set()
        assert not has_reports(team["junior_login"])


def test_the_selector_narrows_the_queryset_it_is_given(tenant_a, team):
    with tenant_context(tenant_a):
        from modules.employees.models import Employee

        start = Employee.objects.filter(first_name="Nobody")
        assert numbers(visible_employees(team["mid_login"], start)) == set()
