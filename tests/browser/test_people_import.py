"""HR imports a small people file through the admin: upload, preview, confirm."""

from __future__ import annotations

import pytest

from modules.employees.models import Department, Employee
from opsplatform.tenancy import tenant_context
from tenants.roles import RoleCode
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GOOD = (
    "employee_number;first_name;last_name;department;manager;hire_date\n"
    "A-1;Layla;Haddad;Sales;;2021-03-01\n"
    "A-2;Omar;Saleh;Sales;A-1;15/04/2022\n"
)
BAD = "employee_number;first_name;department\nB-1;Nora;Nowhere\n"


@pytest.fixture
def hr(tenant_a, make_member):
    with tenant_context(tenant_a):
        Department.objects.create(name="Sales")
    return make_member(tenant_a, "hr@acme.test", roles=[RoleCode.HR])


def _upload(page, url_on, tenant, name, text, tmp_path):
    path = tmp_path / name
    path.write_text("\ufeff" + text, encoding="utf-8")
    page.goto(url_on(tenant, "/admin/employees/employee/"))
    page.get_by_role("link", name="Import people").click()
    page.set_input_files("input[type=file]", str(path))
    with page.expect_navigation():
        page.get_by_role("button", name="Check file").click()


def test_hr_previews_and_confirms_an_import(tenant_a, hr, page, log_in, url_on, tmp_path):
    log_in(tenant_a, hr.email, PASSWORD)
    _upload(page, url_on, tenant_a, "people.csv", GOOD, tmp_path)

    assert page.get_by_test_id("to-create").inner_text() == "2"
    assert page.get_by_test_id("error-count").inner_text() == "0"
    with tenant_context(tenant_a):
        assert not Employee.objects.exists()  # a preview writes nothing

    with page.expect_navigation():
        page.get_by_role("button", name="Import all 2 rows").click()
    assert "2 added" in page.get_by_test_id("import-done").inner_text()
    with tenant_context(tenant_a):
        omar = Employee.objects.get(employee_number="A-2")
        assert omar.manager.employee_number == "A-1"
        assert str(omar.hire_date) == "2022-04-15"


def test_a_bad_file_shows_why_and_offers_no_import(tenant_a, hr, page, log_in, url_on, tmp_path):
    log_in(tenant_a, hr.email, PASSWORD)
    _upload(page, url_on, tenant_a, "bad.csv", BAD, tmp_path)

    errors = page.get_by_test_id("import-errors").inner_text()
    assert "No department “Nowhere” in this company." in errors
    assert page.get_by_test_id("import-confirm").count() == 0
    with tenant_context(tenant_a):
        assert not Employee.objects.exists()
