"""Salary is declared confidential once (``Employee.confidential_fields``) and
the admin base hides it on every path from whoever may not read it: the CEO
once recovered the owner's exact salary by bisecting ``?salary__gte=``."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from modules.employees.models import Employee, EmployeeDocument
from opsplatform import confidential
from opsplatform.tenancy import tenant_context
from tenants.models import Membership

pytestmark = pytest.mark.django_db

LIST = "/admin/employees/employee/"
EXPORT = "/admin/employees/employee/export/"


@pytest.fixture
def people(tenant_a, owner_a, ceo_a, hr_a):
    with tenant_context(tenant_a):
        owner = Employee.objects.create(
            employee_number="E-1",
            first_name="Olive",
            last_name="Owner",
            salary=Decimal("187654.00"),
            salary_currency="USD",
            membership=Membership.objects.get(user=owner_a),
        )
        Employee.objects.create(
            employee_number="E-2", first_name="Sam", last_name="Staff", salary=Decimal("40000")
        )
    return owner


def listed(response) -> list[int]:
    return [obj.pk for obj in response.context["cl"].result_list]


@pytest.mark.parametrize(
    "lookup", ["salary__gte", "salary__lt", "salary__exact", "salary", "salary_currency"]
)
def test_the_ceo_cannot_filter_people_by_salary(tenant_a, ceo_a, people, client_for, lookup):
    client = client_for(tenant_a, ceo_a)

    response = client.get(LIST, {lookup: "100000"})

    assert response.status_code == 400
    assert "This list cannot be filtered that way." in response.content.decode()


def test_bisection_learns_nothing(tenant_a, ceo_a, people, client_for):
    client = client_for(tenant_a, ceo_a)
    answers = {(client.get(LIST, {"salary__gte": str(v)}).status_code) for v in (0, 187654, 10**9)}
    assert answers == {400}


def test_a_lookup_through_a_relation_is_refused_too(tenant_a, ceo_a, people, client_for):
    client = client_for(tenant_a, ceo_a)
    # Departments are open to everyone; their people's salaries are not.
    response = client.get("/admin/employees/department/", {"employees__salary__gte": "100000"})
    assert response.status_code == 400
    response = client.get(LIST, {"manager__salary__gte": "100000"})
    assert response.status_code == 400


def test_the_export_cannot_be_filtered_by_salary_nor_carry_it(tenant_a, ceo_a, people, client_for):
    client = client_for(tenant_a, ceo_a)

    filtered = client.post(f"{EXPORT}?salary__gte=100000", {"format": "0", "resource": "0"})
    plain = client.post(EXPORT, {"format": "0", "resource": "0"})

    assert filtered.status_code == 400
    assert plain.status_code == 200
    header = next(csv.reader(io.StringIO(plain.content.decode("utf-8-sig"))))
    assert "salary" not in header and "salary_currency" not in header
    assert "187654" not in plain.content.decode()


def test_hr_still_filters_and_exports_salaries(tenant_a, hr_a, people, client_for):
    client = client_for(tenant_a, hr_a)

    response = client.get(LIST, {"salary__gte": "100000"})

    assert response.status_code == 200
    assert listed(response) == [people.pk]
    exported = client.post(EXPORT, {"format": "0", "resource": "0"}).content.decode("utf-8-sig")
    assert "187654" in exported


def test_the_ceo_sees_no_salary_in_the_form_history_or_old_versions(
    tenant_a, ceo_a, people, client_for
):
    with tenant_context(tenant_a):
        people.salary = Decimal("197654.00")
        people.save()
        version = people.history.order_by("-history_id").first().history_id
    client = client_for(tenant_a, ceo_a)
    pages = [
        reverse("admin:employees_employee_change", args=[people.pk]),
        reverse("admin:employees_employee_history", args=[people.pk]),
        reverse("admin:employees_employee_simple_history", args=[people.pk, version]),
    ]
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
        body = response.content.decode()
        for secret in ("187654", "187,654", "197654", "197,654"):
            assert secret not in body, page


def test_search_and_ordering_never_name_a_hidden_field(rf, tenant_a, ceo_a, hr_a):
    from modules.employees.admin import EmployeeAdmin
    from opsplatform.admin import tenant_site

    class SalaryScreen(EmployeeAdmin):
        """A screen that someday lists, orders and searches by salary."""

        search_fields = [*EmployeeAdmin.search_fields, "salary"]
        list_display = [*EmployeeAdmin.list_display, "salary"]
        ordering = ["-salary", "pk"]

    admin = SalaryScreen(Employee, tenant_site)
    with tenant_context(tenant_a):
        request = rf.get(LIST)
        request.user, request.tenant = ceo_a, tenant_a
        assert "salary" not in admin.get_search_fields(request)
        assert "salary" not in admin.get_list_display(request)
        assert admin.get_ordering(request) == ["pk"]
        request.user = hr_a
        assert "salary" in admin.get_search_fields(request)
        assert admin.get_ordering(request) == ["-salary", "pk"]


def test_paths_are_resolved_through_every_model_on_the_way(tenant_a, ceo_a, hr_a):
    with tenant_context(tenant_a):
        assert confidential.path_is_hidden(ceo_a, EmployeeDocument, "employee__salary__gte")
        assert confidential.path_is_hidden(ceo_a, Employee, "-salary")
        assert confidential.path_is_hidden(ceo_a, Employee, "direct_reports__salary_currency")
        assert not confidential.path_is_hidden(ceo_a, Employee, "department__name")
        assert not confidential.path_is_hidden(hr_a, EmployeeDocument, "employee__salary")
    assert confidential.declared(Employee) == {
        "salary": "employees.view_salary",
        "salary_currency": "employees.view_salary",
        "hourly_cost_rate": "employees.view_cost_rate",
        "cost_currency": "employees.view_cost_rate",
    }
