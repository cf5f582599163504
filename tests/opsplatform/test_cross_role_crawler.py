"""Roles, fields and files (ARCHITECTURE.md): a role reaches nothing its screens
hide, on any admin path, for every model registered in the tenant admin."""

from __future__ import annotations

import pytest

from modules.employees.models import Employee
from opsplatform.admin import tenant_site
from opsplatform.tenancy import tenant_context
from tenants.models import Membership
from tenants.roles import RoleCode
from tests.opsplatform.crawler import make_rows
from tests.opsplatform.role_crawler import crawl_roles

pytestmark = pytest.mark.django_db


def people_of_every_role(tenant, owner, make_member) -> dict:
    """One member per role; the manager has an employee record with one report."""
    people = {RoleCode.OWNER.value: owner}
    for role in RoleCode:
        if role != RoleCode.OWNER:
            people[role.value] = make_member(tenant, f"{role.value}@acme.test", roles=[role])
    with tenant_context(tenant):
        boss = Employee.objects.create(
            employee_number="M-1",
            first_name="Mona",
            last_name="Manager",
            membership=Membership.objects.get(user=people[RoleCode.MANAGER.value]),
            salary=5000,
        )
        Employee.objects.create(
            employee_number="R-1", first_name="Remy", last_name="Report", manager=boss, salary=4000
        )
    return people


@pytest.fixture
def every_role(tenant_a, owner_a, make_member):
    return people_of_every_role(tenant_a, owner_a, make_member)


def test_no_role_reaches_what_its_screens_hide(tenant_a, every_role, client_for):
    rows = make_rows(tenant_site, tenant_a)

    report = crawl_roles(tenant_site, tenant_a, every_role, rows, client_for)

    assert report.problems == []
    # It really walked writes, narrowing, action GETs and confidential lookups.
    assert report.checked["post"] > 10 * len(every_role)
    assert report.checked["narrowed"] > 0
    assert report.checked["get action"] >= len(every_role)
    assert report.checked["confidential"] > 0
    assert report.checked["confidential page"] > 0


# -- the crawler catches a deliberately leaky site ---------------------------------

from django.contrib.admin import ModelAdmin as DjangoModelAdmin  # noqa: E402
from django.http import HttpResponseRedirect  # noqa: E402
from django.urls import path  # noqa: E402
from simple_history.admin import SimpleHistoryAdmin  # noqa: E402
from unfold.decorators import action  # noqa: E402

from modules.approvals.admin import DelegationAdmin  # noqa: E402
from modules.approvals.models import Delegation  # noqa: E402
from modules.employees.admin import DepartmentAdmin, EmployeeAdmin  # noqa: E402
from modules.employees.models import Department  # noqa: E402
from opsplatform.admin.actions import renders_on_get  # noqa: E402
from opsplatform.admin.sites import TenantAdminSite  # noqa: E402
from opsplatform.urls.common import urlpatterns as common_urls  # noqa: E402

leaky_site = TenantAdminSite(name="admin")


class LeakyHistoryFormDepartmentAdmin(DepartmentAdmin):
    """The library's history form view: it saves a POST from anyone who may view."""

    history_form_view = SimpleHistoryAdmin.history_form_view


class LeakyNarrowingDelegationAdmin(DelegationAdmin):
    """Reads history by id within the company, ignoring the person's narrowed list."""

    def _history_object(self, request, object_id):
        return self.model._default_manager.get(pk=object_id)


class LeakyEmployeeAdmin(EmployeeAdmin):
    """Filters by any field, and has an action that writes on a GET."""

    actions_detail = [*EmployeeAdmin.actions_detail, "touch"]

    def lookup_allowed(self, lookup, value, request):
        return DjangoModelAdmin.lookup_allowed(self, lookup, value, request)

    @renders_on_get  # a false claim: it writes on GET
    @action(description="Touch", url_path="touch")
    def touch(self, request, object_id):
        Employee.objects.filter(pk=object_id).update(phone="touched")
        return HttpResponseRedirect("/admin/")


leaky_site.register(Department, LeakyHistoryFormDepartmentAdmin)
leaky_site.register(Delegation, LeakyNarrowingDelegationAdmin)
leaky_site.register(Employee, LeakyEmployeeAdmin)

urlpatterns = [path("admin/", leaky_site.urls), *common_urls]


@pytest.mark.urls(__name__)
def test_the_role_crawler_reports_a_leaky_site(tenant_a, every_role, client_for):
    rows = make_rows(leaky_site, tenant_a)

    report = crawl_roles(leaky_site, tenant_a, every_role, rows, client_for, urlconf=__name__)

    leaks = "\n".join(report.problems)
    # An employee renamed a department through an old version.
    assert "employee: employees.Department: POST history form: HTTP 302" in leaks
    # A manager read a delegation outside his list through its history.
    assert "manager: approvals.Delegation: history page of a row outside the list" in leaks
    # A GET of an action wrote, for the owner as for anyone.
    assert "owner: employees.Employee: GET detail action employees_employee_touch" in leaks
    # The CEO learnt salaries by filtering on them.
    assert "ceo: employees.Employee: GET changelist {'salary__gte'" in leaks
    assert "the answer depends on employees.Employee.salary" in leaks
    # The well-behaved parts are not reported: the base's history form stays read-only
    # for delegations, and nobody's department change page saved anything.
    assert "approvals.Delegation: POST history form:" not in leaks
    assert "employees.Department: POST change page" not in leaks
