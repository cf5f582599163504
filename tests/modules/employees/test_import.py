"""Importing people from CSV and Excel: matched by employee number, every bad
row reported with its line and column, and all rows written or none."""

from __future__ import annotations

import io
import re
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from modules.employees import jobs
from modules.employees.columns import COLUMN_NAMES, SALARY_COLUMNS
from modules.employees.importing import import_employees
from modules.employees.models import Employee, ImportJob
from opsplatform.tenancy import tenant_context
from tenants.roles import RoleCode
from tests.modules.employees.factories import (
    DepartmentFactory,
    EmployeeFactory,
    PositionFactory,
    WorkLocationFactory,
    WorkScheduleFactory,
)
from tests.modules.employees.helpers import csv_bytes

pytestmark = pytest.mark.django_db

IMPORT_URL = "/admin/employees/employee/import/"


@pytest.fixture
def org(acme):
    """Acme's organisation, as an import finds it by name."""
    return {
        "engineering": DepartmentFactory(name="Engineering", code="ENG"),
        "sales": DepartmentFactory(name="Sales", code="SAL"),
        "developer": PositionFactory(title="Developer"),
        "rep": PositionFactory(title="Sales Rep"),
        "dubai": WorkLocationFactory(name="Dubai HQ"),
        "standard": WorkScheduleFactory(name="Standard"),
    }


def run(content: bytes, filename: str = "people.csv", *, may_set_salary=True, user=None):
    return import_employees(content, filename, may_set_salary=may_set_salary, user=user)


def errors_of(report) -> list[tuple[int, str, str]]:
    return [(e.line, e.column, e.message) for e in report.errors]


def xlsx_bytes(header: list[str], rows: list[list]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# -- the happy path -------------------------------------------------------------------


def test_new_people_are_created_with_departments_positions_and_managers(org, hr_a):
    content = csv_bytes(
        [
            {
                "employee_number": "E1",
                "first_name": "Rana",
                "last_name": "Saleh",
                "work_email": "rana@acme.test",
                "hire_date": "2024-02-01",
                "department": "Engineering",
                "position": "Developer",
                "location": "Dubai HQ",
                "schedule": "Standard",
                "manager": "E3",  # listed after her
                "salary": "5000",
                "salary_currency": "AED",
            },
            {
                "employee_number": "E2",
                "first_name": "Karim",
                "last_name": "Aziz",
                "work_email": "",
                "hire_date": "2023-07-10",
                "department": "sal",  # by code, any case
                "position": "sales rep",
                "location": "",
                "schedule": "",
                "manager": "E3",
                "salary": "",
                "salary_currency": "",
            },
            {
                "employee_number": "E3",
                "first_name": "Huda",
                "last_name": "Nasser",
                "work_email": "huda@acme.test",
                "hire_date": "2020-01-05",
                "department": "Engineering",
                "position": "",
                "location": "",
                "schedule": "",
                "manager": "",
                "salary": "",
                "salary_currency": "",
            },
        ]
    )

    report = run(content, user=hr_a)

    assert report.ok and report.applied
    assert (report.created, report.updated) == (3, 0)
    rana = Employee.objects.get(employee_number="E1")
    karim = Employee.objects.get(employee_number="E2")
    huda = Employee.objects.get(employee_number="E3")
    assert rana.manager == huda and karim.manager == huda and huda.manager is None
    assert rana.department == org["engineering"] and karim.department == org["sales"]
    assert rana.position == org["developer"] and karim.position == org["rep"]
    assert rana.location == org["dubai"] and rana.schedule == org["standard"]
    assert rana.hire_date == date(2024, 2, 1)
    assert rana.salary == Decimal("5000.00") and rana.salary_currency == "AED"


def test_a_manager_can_be_named_by_the_full_name_of_someone_already_employed(org):
    boss = EmployeeFactory(first_name="Layla", last_name="Karam")

    report = run(
        csv_bytes([{"employee_number": "N1", "first_name": "Sami", "manager": "Layla Karam"}])
    )

    assert report.ok, errors_of(report)
    assert Employee.objects.get(employee_number="N1").manager == boss


def test_a_manager_can_be_named_by_the_full_name_of_someone_new_in_the_same_file(org):
    content = csv_bytes(
        [
            {
                "employee_number": "N1",
                "first_name": "Sami",
                "last_name": "Haddad",
                "manager": "Layla Karam",
            },
            {"employee_number": "N2", "first_name": "Layla", "last_name": "Karam", "manager": ""},
        ]
    )

    report = run(content)

    assert report.ok, errors_of(report)
    sami = Employee.objects.get(employee_number="N1")
    assert sami.manager.employee_number == "N2"


def test_existing_people_are_updated_by_employee_number_and_unchanged_rows_untouched(org, hr_a):
    changed = EmployeeFactory(employee_number="E1", first_name="Old", last_name="Name")
    same = EmployeeFactory(employee_number="E2", first_name="Same", last_name="Person")
    history_before = {e.pk: Employee.history.filter(id=e.pk).count() for e in (changed, same)}
    content = csv_bytes(
        [
            {"employee_number": "e1", "first_name": "New", "last_name": "Name"},  # any case
            {"employee_number": "E2", "first_name": "Same", "last_name": "Person"},
        ]
    )

    report = run(content, user=hr_a)

    assert (report.created, report.updated, report.unchanged) == (0, 1, 1)
    assert Employee.objects.count() == 2
    assert Employee.objects.get(pk=changed.pk).first_name == "New"
    assert Employee.history.filter(id=changed.pk).count() == history_before[changed.pk] + 1
    assert Employee.history.filter(id=same.pk).count() == history_before[same.pk]


def test_columns_left_out_of_the_file_are_left_alone(org):
    employee = EmployeeFactory(
        employee_number="E1", salary=Decimal("7000"), department=org["sales"], phone="1"
    )

    run(csv_bytes([{"employee_number": "E1", "phone": "+20 2 1234 5678"}]))

    employee.refresh_from_db()
    assert employee.phone == "+20 2 1234 5678"
    assert employee.salary == Decimal("7000.00")
    assert employee.department == org["sales"]


def test_an_update_can_move_someone_under_a_manager_created_by_the_same_file(org):
    employee = EmployeeFactory(employee_number="E1")
    content = csv_bytes(
        [
            {"employee_number": "E1", "first_name": employee.first_name, "manager": "M1"},
            {"employee_number": "M1", "first_name": "Mona", "manager": ""},
        ]
    )

    report = run(content)

    assert report.ok, errors_of(report)
    assert Employee.objects.get(employee_number="E1").manager.employee_number == "M1"


def test_history_rows_say_imported_from_file_and_who_did_it(org, hr_a):
    EmployeeFactory(employee_number="E1", first_name="Old")
    content = csv_bytes(
        [
            {"employee_number": "E1", "first_name": "New"},
            {"employee_number": "E2", "first_name": "Fresh"},
        ]
    )

    run(content, user=hr_a)

    for number in ("E1", "E2"):
        employee = Employee.objects.get(employee_number=number)
        row = Employee.history.filter(id=employee.pk).order_by("-history_id").first()
        assert row.history_change_reason == "Imported from file"
        assert row.history_user == hr_a
        assert row.tenant_id == employee.tenant_id
    created = Employee.history.get(id=Employee.objects.get(employee_number="E2").pk)
    assert created.history_type == "+"


# -- bad rows: each reported with line and column, nothing written -----------------------


@pytest.fixture
def existing_pair(org):
    """X reports to Y, both already employed."""
    y = EmployeeFactory(employee_number="Y1", first_name="Yara")
    x = EmployeeFactory(employee_number="X1", first_name="Xavi", manager=y)
    return x, y


BAD_FILES = {
    "unknown department": (
        [
            {"employee_number": "A1", "first_name": "Ok", "department": "Engineering"},
            {"employee_number": "A2", "first_name": "Bad", "department": "Marketing"},
        ],
        3,
        "department",
        "Marketing",
    ),
    "duplicate number in the file": (
        [
            {"employee_number": "A1", "first_name": "One"},
            {"employee_number": "A2", "first_name": "Two"},
            {"employee_number": "a1", "first_name": "Again"},
        ],
        4,
        "employee_number",
        "line 2",
    ),
    "bad date": (
        [{"employee_number": "A1", "first_name": "Ok", "hire_date": "31/13/2024"}],
        2,
        "hire_date",
        "31/13/2024",
    ),
    "manager loop within the file": (
        [
            {"employee_number": "A1", "first_name": "Ann", "manager": "A2"},
            {"employee_number": "A2", "first_name": "Ben", "manager": "A3"},
            {"employee_number": "A3", "first_name": "Cat", "manager": "A1"},
        ],
        None,
        "manager",
        "A1",
    ),
    "manager loop with existing people": (
        [{"employee_number": "Y1", "first_name": "Yara", "manager": "X1"}],
        2,
        "manager",
        "X1",
    ),
    "own manager": (
        [{"employee_number": "A1", "first_name": "Ann", "manager": "A1"}],
        2,
        "manager",
        "own line manager",
    ),
    "unknown manager": (
        [{"employee_number": "A1", "first_name": "Ann", "manager": "Z9"}],
        2,
        "manager",
        "z9",
    ),
    "bad email": (
        [{"employee_number": "A1", "first_name": "Ann", "work_email": "ann-at-acme"}],
        2,
        "work_email",
        "ann-at-acme",
    ),
    "email taken by someone else": (
        [{"employee_number": "A1", "first_name": "Ann", "work_email": "yara@acme.test"}],
        2,
        "work_email",
        "W1",
    ),
    "new person without first name": (
        [{"employee_number": "A1", "first_name": ""}],
        2,
        "first_name",
        "first name",
    ),
    "missing employee number": (
        [{"employee_number": "", "first_name": "Ann"}],
        2,
        "employee_number",
        "missing",
    ),
    "unknown status": (
        [{"employee_number": "A1", "first_name": "Ann", "status": "retired"}],
        2,
        "status",
        "retired",
    ),
    "terminated without end date": (
        [{"employee_number": "A1", "first_name": "Ann", "status": "terminated", "end_date": ""}],
        2,
        "end_date",
        "end date",
    ),
    "same email twice in the file": (
        [
            {"employee_number": "A1", "first_name": "Ann", "work_email": "team@acme.test"},
            {"employee_number": "A2", "first_name": "Ben", "work_email": "Team@acme.test"},
        ],
        3,
        "work_email",
        "line 2",
    ),
    "negative salary": (
        [{"employee_number": "A1", "first_name": "Ann", "salary": "-5"}],
        2,
        "salary",
        "negative",
    ),
    "unknown currency": (
        [{"employee_number": "A1", "first_name": "Ann", "cost_currency": "XXQ"}],
        2,
        "cost_currency",
        "XXQ",
    ),
}


@pytest.mark.parametrize("kind", list(BAD_FILES))
def test_each_bad_row_is_reported_with_line_and_column_and_nothing_is_written(
    kind, existing_pair, hr_a
):
    EmployeeFactory(employee_number="W1", work_email="yara@acme.test")
    rows, line, column, fragment = BAD_FILES[kind]
    before = sorted(Employee.objects.values_list("employee_number", "manager_id", "first_name"))
    history_before = Employee.history.count()

    report = run(csv_bytes(rows), user=hr_a)

    assert not report.ok and not report.applied
    problems = [e for e in report.errors if e.column == column]
    assert problems, errors_of(report)
    if line is not None:
        assert problems[0].line == line
    assert fragment.lower() in problems[0].message.lower()
    after = sorted(Employee.objects.values_list("employee_number", "manager_id", "first_name"))
    assert after == before
    assert Employee.history.count() == history_before


def test_a_loop_within_the_file_names_every_person_in_it(org):
    content = csv_bytes(
        [
            {"employee_number": "A1", "first_name": "Ann", "manager": "A2"},
            {"employee_number": "A2", "first_name": "Ben", "manager": "A3"},
            {"employee_number": "A3", "first_name": "Cat", "manager": "A1"},
        ]
    )

    report = run(content)

    loops = [e for e in report.errors if "loop" in e.message.lower()]
    assert len(loops) == 1
    assert all(number in loops[0].message for number in ("A1", "A2", "A3"))


def test_the_error_quotes_the_manager_as_it_was_written(org):
    report = run(csv_bytes([{"employee_number": "A1", "first_name": "Ann", "manager": "Z-9"}]))

    assert "Z-9" in report.errors[0].message


def test_salary_from_someone_without_salary_permission_is_refused(org):
    content = csv_bytes([{"employee_number": "A1", "first_name": "Ann", "salary": "9000"}])

    report = run(content, may_set_salary=False)

    assert [(e.line, e.column) for e in report.errors] == [(2, "salary")]
    assert "Only HR, finance and owners" in report.errors[0].message
    assert not Employee.objects.exists()


def test_empty_salary_columns_are_fine_without_salary_permission(org):
    content = csv_bytes(
        [{"employee_number": "A1", "first_name": "Ann", "salary": "", "salary_currency": ""}]
    )

    report = run(content, may_set_salary=False)

    assert report.ok and Employee.objects.count() == 1


def test_every_bad_row_is_listed_not_just_the_first(org):
    rows = [
        {
            "employee_number": f"A{i}",
            "first_name": "Ok",
            "department": "Engineering",
            "hire_date": "",
        }
        for i in range(10)
    ]
    rows[2]["department"] = "Nowhere"
    rows[5]["hire_date"] = "yesterday"
    rows[8]["employee_number"] = "A0"

    report = run(csv_bytes(rows))

    assert [(e.line, e.column) for e in report.errors] == [
        (4, "department"),
        (7, "hire_date"),
        (10, "employee_number"),
    ]
    assert report.error_count == 3


def test_one_bad_row_among_many_writes_nothing(org):
    rows = [
        {"employee_number": f"B{i:03d}", "first_name": f"Person {i}", "department": "Sales"}
        for i in range(60)
    ]
    rows[41]["department"] = "Sails"

    report = run(csv_bytes(rows))

    assert [(e.line, e.column) for e in report.errors] == [(43, "department")]
    assert report.created == 0
    assert not Employee.objects.exists()
    assert not Employee.history.exists()


def test_departments_and_people_of_another_company_are_not_found(org, tenant_b):
    with tenant_context(tenant_b):
        DepartmentFactory(name="Globex Research")
        EmployeeFactory(employee_number="G1", first_name="Globex boss")

    report = run(
        csv_bytes(
            [
                {
                    "employee_number": "A1",
                    "first_name": "Ann",
                    "department": "Globex Research",
                    "manager": "",
                },
                {"employee_number": "A2", "first_name": "Ben", "department": "", "manager": "G1"},
            ]
        )
    )

    assert {(e.line, e.column) for e in report.errors} == {(2, "department"), (3, "manager")}
    with tenant_context(tenant_b):
        assert Employee.objects.get().first_name == "Globex boss"


def test_a_number_used_in_another_company_creates_a_new_person_here(org, tenant_b):
    with tenant_context(tenant_b):
        EmployeeFactory(employee_number="E1", first_name="Globex")

    report = run(csv_bytes([{"employee_number": "E1", "first_name": "Acme"}]))

    assert (report.created, report.updated) == (1, 0)
    with tenant_context(tenant_b):
        assert Employee.objects.get().first_name == "Globex"


@pytest.fixture
def manager_with_login(org, tenant_a, make_member):
    from tenants.models import Membership

    user = make_member(tenant_a, "boss@acme.test", roles=[RoleCode.MANAGER])
    boss = EmployeeFactory(employee_number="B1", membership=Membership.objects.get(user=user))
    report = EmployeeFactory(employee_number="R1", manager=boss)
    return boss, report


def test_terminating_a_manager_by_import_is_refused_while_they_have_active_reports(
    manager_with_login,
):
    boss, report = manager_with_login
    content = csv_bytes(
        [{"employee_number": "B1", "status": "terminated", "end_date": "2025-06-30"}]
    )

    result = run(content)

    assert [(e.line, e.column) for e in result.errors] == [(2, "status")], errors_of(result)
    assert Employee.objects.get(pk=boss.pk).status == Employee.Status.ACTIVE


def test_a_person_terminated_by_import_does_not_keep_an_active_login(manager_with_login):
    from tenants.models import Membership

    boss, report = manager_with_login
    Employee.objects.filter(pk=report.pk).update(manager=None)
    content = csv_bytes(
        [{"employee_number": "B1", "status": "terminated", "end_date": "2025-06-30"}]
    )

    result = run(content)

    boss.refresh_from_db()
    membership = Membership.objects.get(pk=boss.membership_id)
    refused = not result.applied
    assert refused or membership.status == Membership.Status.DEACTIVATED


def test_a_file_with_an_unknown_column_is_refused_as_a_whole(org):
    from opsplatform.importing.files import ImportFileError

    with pytest.raises(ImportFileError, match="favourite_colour"):
        run(csv_bytes([{"employee_number": "A1", "first_name": "Ann", "favourite_colour": "red"}]))


# -- what spreadsheets really save ------------------------------------------------------


def test_utf8_bom_and_arabic_names(org):
    content = csv_bytes(
        [
            {
                "employee_number": "AR1",
                "first_name": "محمد",
                "last_name": "العلي",
                "department": "Sales",
            },
            {
                "employee_number": "AR2",
                "first_name": "فاطمة",
                "last_name": "الزهراء",
                "department": "Sales",
            },
        ],
        bom=True,
    )
    assert content.startswith(b"\xef\xbb\xbf")

    report = run(content)

    assert report.ok, errors_of(report)
    assert Employee.objects.get(employee_number="AR1").full_name == "محمد العلي"
    assert Employee.objects.get(employee_number="AR2").last_name == "الزهراء"


def test_windows_1256_arabic_csv(org):
    text = "employee_number,first_name,last_name\r\nAR1,محمد,العلي\r\n"

    report = run(text.encode("cp1256"))

    assert report.ok, errors_of(report)
    assert Employee.objects.get(employee_number="AR1").first_name == "محمد"


def test_utf16_tab_separated_text_as_excel_saves_it(org):
    text = (
        "employee_number\tfirst_name\tlast_name\temployment_type\r\nU1\tمحمد\tالعلي\tPart time\r\n"
    )

    report = run(text.encode("utf-16"), "people.txt")

    assert report.ok, errors_of(report)
    employee = Employee.objects.get(employee_number="U1")
    assert employee.first_name == "محمد"
    assert employee.employment_type == Employee.EmploymentType.PART_TIME


def test_semicolon_separated_csv(org):
    content = csv_bytes(
        [
            {
                "employee_number": "S1",
                "first_name": "Jean",
                "last_name": "Dupont, Jr",
                "hourly_cost_rate": "42,50",
            },
            {
                "employee_number": "S2",
                "first_name": "Anne",
                "last_name": "Martin",
                "hourly_cost_rate": "1.250,00",
            },
        ],
        delimiter=";",
    )

    report = run(content)

    assert report.ok, errors_of(report)
    jean = Employee.objects.get(employee_number="S1")
    assert jean.last_name == "Dupont, Jr"
    assert jean.hourly_cost_rate == Decimal("42.50")


def test_dd_mm_yyyy_dates(org):
    content = csv_bytes(
        [{"employee_number": "D1", "first_name": "Dana", "hire_date": "17/05/2023", "end_date": ""}]
    )

    run(content)

    assert Employee.objects.get(employee_number="D1").hire_date == date(2023, 5, 17)


def test_excel_serial_dates_in_csv(org):
    content = csv_bytes([{"employee_number": "D1", "first_name": "Dana", "hire_date": "45063"}])

    run(content)

    assert Employee.objects.get(employee_number="D1").hire_date == date(2023, 5, 17)


def test_xlsx_with_real_excel_date_cells_and_numeric_numbers(org):
    content = xlsx_bytes(
        ["Employee Number", "First Name", "Last Name", "Hire Date", "Department", "Manager"],
        [
            [1001, "Rana", "Saleh", datetime(2023, 5, 17), "Engineering", 1002],
            [1002, "Huda", "Nasser", datetime(2019, 1, 2), "Engineering", None],
        ],
    )

    report = run(content, "people.xlsx")

    assert report.ok, errors_of(report)
    rana = Employee.objects.get(employee_number="1001")
    assert rana.hire_date == date(2023, 5, 17)
    assert rana.manager.employee_number == "1002"
    assert rana.department == org["engineering"]


def test_xlsx_bad_rows_report_spreadsheet_line_numbers(org):
    content = xlsx_bytes(
        ["employee_number", "first_name", "department"],
        [["X1", "Ok", "Engineering"], ["X2", "Bad", "Nowhere"]],
    )

    report = run(content, "people.xlsx")

    assert errors_of(report)[0][:2] == (3, "department")
    assert not Employee.objects.exists()


def test_progress_is_reported_as_rows_are_written(org):
    rows = [{"employee_number": f"P{i:02d}", "first_name": "P"} for i in range(30)]
    seen = []

    import_employees(csv_bytes(rows), "p.csv", may_set_salary=True, progress=seen.append)

    assert seen and seen == sorted(seen)
    assert seen[-1] == 30


# -- the admin flow --------------------------------------------------------------------------


def upload(client, content: bytes, name: str = "people.csv"):
    return client.post(IMPORT_URL, {"file": SimpleUploadedFile(name, content, "text/csv")})


def job_id_of(response) -> int:
    assert response.status_code == 302, response.content[:500]
    match = re.search(r"/import/(\d+)/$", response["Location"])
    assert match, response["Location"]
    return int(match.group(1))


def by_testid(html: str, name: str) -> str:
    match = re.search(rf'data-testid="{name}"[^>]*>([^<]*)<', html)
    return match.group(1).strip() if match else ""


@pytest.fixture
def hr_client(tenant_a, hr_a, client_for, org):
    return client_for(tenant_a, hr_a)


GOOD_FILE = csv_bytes(
    [
        {"employee_number": "F1", "first_name": "Farah", "department": "Sales", "manager": "F2"},
        {"employee_number": "F2", "first_name": "Fadi", "department": "Sales", "manager": ""},
    ]
)
BAD_FILE = csv_bytes(
    [
        {"employee_number": "F1", "first_name": "Farah", "department": "Nowhere", "manager": ""},
        {"employee_number": "F2", "first_name": "Fadi", "department": "Sales", "manager": ""},
    ]
)


def test_uploading_shows_a_preview_with_counts_and_writes_nothing(hr_client):
    job_url = f"{IMPORT_URL}{job_id_of(upload(hr_client, GOOD_FILE))}/"

    response = hr_client.get(job_url)

    assert response.status_code == 200
    html = response.content.decode()
    assert by_testid(html, "to-create") == "2"
    assert by_testid(html, "error-count") == "0"
    assert 'data-testid="import-confirm"' in html
    assert not Employee.objects.exists()


def test_confirming_the_preview_imports_the_rows(hr_client, hr_a):
    job_url = f"{IMPORT_URL}{job_id_of(upload(hr_client, GOOD_FILE))}/"

    response = hr_client.post(job_url, follow=True)

    assert response.status_code == 200
    assert "Imported: 2 added, 0 updated." in response.content.decode()
    assert Employee.objects.get(employee_number="F1").manager.employee_number == "F2"
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.DONE
    row = Employee.history.filter(history_change_reason="Imported from file").first()
    assert row.history_user == hr_a


def test_every_status_of_an_import_job_is_in_its_history(hr_client, hr_a):
    job_url = f"{IMPORT_URL}{job_id_of(upload(hr_client, GOOD_FILE))}/"
    hr_client.post(job_url, follow=True)

    job = ImportJob.objects.get()
    rows = list(job.history.order_by("history_id"))
    changes = [(row.status, row.history_change_reason) for row in rows if row.history_change_reason]
    assert changes == [
        (ImportJob.Status.READY, "Import status: Ready to import"),
        (ImportJob.Status.IMPORTING, "Import status: Importing"),
        (ImportJob.Status.DONE, "Import status: Imported"),
    ]
    assert {row.history_user for row in rows} == {hr_a}


def test_a_file_with_errors_shows_them_and_offers_no_confirm_button(hr_client):
    job_url = f"{IMPORT_URL}{job_id_of(upload(hr_client, BAD_FILE))}/"

    html = hr_client.get(job_url).content.decode()

    assert 'data-testid="import-errors"' in html
    assert "Nowhere" in html
    assert by_testid(html, "error-count") == "1"
    assert 'data-testid="import-confirm"' not in html


def test_confirming_a_file_with_errors_anyway_changes_nothing(hr_client):
    job_url = f"{IMPORT_URL}{job_id_of(upload(hr_client, BAD_FILE))}/"

    response = hr_client.post(job_url, follow=True)

    assert "cannot be started" in response.content.decode()
    assert not Employee.objects.exists()
    assert ImportJob.objects.get().status == ImportJob.Status.INVALID


def test_a_double_click_on_confirm_imports_once(hr_client):
    job_url = f"{IMPORT_URL}{job_id_of(upload(hr_client, GOOD_FILE))}/"

    hr_client.post(job_url)
    second = hr_client.post(job_url, follow=True)

    assert "cannot be started" in second.content.decode()
    assert Employee.objects.count() == 2
    assert Employee.history.count() == 2


def test_data_changed_since_the_check_stops_the_import(hr_client, org):
    job_url = f"{IMPORT_URL}{job_id_of(upload(hr_client, GOOD_FILE))}/"
    org["sales"].delete()

    response = hr_client.post(job_url, follow=True)

    html = response.content.decode()
    assert "Nothing was imported" in html
    assert 'data-testid="import-errors"' in html
    assert not Employee.objects.exists()


def test_an_unreadable_file_is_refused_with_a_message(hr_client):
    job_url = f"{IMPORT_URL}{job_id_of(upload(hr_client, b'name,colour\nAnn,red\n'))}/"

    html = hr_client.get(job_url).content.decode()

    assert "employee_number" in by_testid(html, "import-file-error")
    assert 'data-testid="import-confirm"' not in html


def test_a_pdf_is_refused_on_the_upload_form(hr_client):
    response = upload(hr_client, b"%PDF-1.4", "people.pdf")

    assert response.status_code == 200
    assert "Upload a .csv or .xlsx file." in response.content.decode()
    assert not ImportJob.objects.exists()


def test_another_companys_import_job_is_not_found(hr_client, tenant_b, owner_b, client_for):
    globex = client_for(tenant_b, owner_b)
    foreign_id = job_id_of(upload(globex, GOOD_FILE))

    assert hr_client.get(f"{IMPORT_URL}{foreign_id}/").status_code == 404
    assert hr_client.post(f"{IMPORT_URL}{foreign_id}/").status_code == 404
    assert hr_client.get(f"{IMPORT_URL}{foreign_id}/status/").status_code == 404
    with tenant_context(tenant_b):
        assert ImportJob.objects.get().status == ImportJob.Status.INVALID  # Globex has no "Sales"


@pytest.mark.parametrize("role", [RoleCode.MANAGER, RoleCode.FINANCE, RoleCode.EMPLOYEE])
def test_only_owners_and_hr_can_import(role, tenant_a, make_member, client_for, org):
    client = client_for(tenant_a, make_member(tenant_a, f"{role}@acme.test", roles=[role]))

    assert client.get(IMPORT_URL).status_code == 403
    assert upload(client, GOOD_FILE).status_code == 403
    assert client.get(f"{IMPORT_URL}template/csv/").status_code == 403
    assert not Employee.objects.exists()


def test_csv_template_has_every_column_including_salary_for_hr(hr_client):
    response = hr_client.get(f"{IMPORT_URL}template/csv/")

    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    header = response.content.decode("utf-8-sig").strip().split(",")
    assert header == COLUMN_NAMES
    assert SALARY_COLUMNS <= set(header)


def test_xlsx_template_has_every_column_and_a_column_guide(hr_client):
    response = hr_client.get(f"{IMPORT_URL}template/xlsx/")

    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    header = [cell.value for cell in workbook.worksheets[0][1]]
    assert header == COLUMN_NAMES
    guide = {row[0] for row in workbook["columns"].iter_rows(min_row=2, values_only=True)}
    assert guide == set(COLUMN_NAMES)


def test_the_csv_template_imports_as_an_empty_file(hr_client):
    content = hr_client.get(f"{IMPORT_URL}template/csv/").content

    report = run(content)

    assert report.ok and report.total == 0


def test_an_unknown_template_format_is_not_found(hr_client):
    assert hr_client.get(f"{IMPORT_URL}template/pdf/").status_code == 404


# -- large files in the background --------------------------------------------------------


@pytest.fixture
def large_file():
    rows = [
        {
            "employee_number": f"L{i:03d}",
            "first_name": f"Person {i}",
            "department": "Engineering",
            "manager": "" if i == 0 else "L000",
        }
        for i in range(30)
    ]
    return csv_bytes(rows)


def test_a_large_file_is_checked_and_imported_in_the_background_then_emailed(
    hr_client, hr_a, large_file, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(jobs, "INLINE_ROW_LIMIT", 5)

    with django_capture_on_commit_callbacks(execute=True):
        job_id = job_id_of(upload(hr_client, large_file, "big.csv"))
    job = ImportJob.objects.get(pk=job_id)
    assert job.status == ImportJob.Status.READY
    assert job.total_rows == 30

    with django_capture_on_commit_callbacks(execute=True):
        confirm = hr_client.post(f"{IMPORT_URL}{job_id}/", follow=True)

    assert "runs in the background" in confirm.content.decode()
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    assert job.processed_rows == 30
    assert Employee.objects.count() == 30
    assert Employee.objects.filter(manager__employee_number="L000").count() == 29
    assert [m.to for m in mail.outbox] == [[hr_a.email]]
    assert "big.csv" in mail.outbox[0].subject and "done" in mail.outbox[0].subject
    assert "30 people added" in mail.outbox[0].body
    row = Employee.history.filter(history_change_reason="Imported from file").first()
    assert row.history_user == hr_a


def test_the_status_endpoint_reports_progress_of_a_background_import(
    hr_client, large_file, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(jobs, "INLINE_ROW_LIMIT", 5)
    with django_capture_on_commit_callbacks(execute=True):
        job_id = job_id_of(upload(hr_client, large_file, "big.csv"))
    with django_capture_on_commit_callbacks(execute=True):
        hr_client.post(f"{IMPORT_URL}{job_id}/")

    status = hr_client.get(f"{IMPORT_URL}{job_id}/status/").json()

    assert status == {
        "status": "done",
        "label": "Imported",
        "processed": 30,
        "total": 30,
        "percent": 100,
    }


def test_a_large_file_with_errors_ends_invalid_in_the_background(
    hr_client, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(jobs, "INLINE_ROW_LIMIT", 5)
    rows = [
        {"employee_number": f"L{i}", "first_name": "P", "department": "Engineering"}
        for i in range(30)
    ]
    rows[17]["department"] = "Nowhere"

    with django_capture_on_commit_callbacks(execute=True):
        job_id = job_id_of(upload(hr_client, csv_bytes(rows), "big.csv"))

    job = ImportJob.objects.get(pk=job_id)
    assert job.status == ImportJob.Status.INVALID
    assert job.report["errors"] == [
        {"line": 19, "column": "department", "message": "No department “Nowhere” in this company."}
    ]
    assert not Employee.objects.exists()


# -- PostgreSQL: the application's own role, under row-level security ---------------------


@pytest.mark.postgres
def test_import_works_as_the_application_role_under_row_level_security(
    org, tenant_a, hr_a, app_role
):
    """Production connects as a role that does not own the tables, so the
    row-level-security policies apply to every write the import makes."""
    content = csv_bytes(
        [
            {"employee_number": "R1", "first_name": "Rola", "department": "Sales", "manager": "R2"},
            {"employee_number": "R2", "first_name": "Ramy", "department": "Sales", "manager": ""},
        ]
    )
    with app_role():
        report = run(content, user=hr_a)

    assert report.applied and report.created == 2
    assert Employee.objects.get(employee_number="R1").manager.employee_number == "R2"
    assert Employee.history.filter(history_change_reason="Imported from file").count() == 2


@pytest.mark.postgres
def test_a_background_check_finds_its_job_as_the_application_role(
    hr_client, tenant_a, large_file, monkeypatch, app_role
):
    """A huey worker starts with no tenant: the task scopes itself."""
    from modules.employees.tasks import check_import_job

    monkeypatch.setattr(jobs, "INLINE_ROW_LIMIT", 5)
    job_id = job_id_of(upload(hr_client, large_file, "big.csv"))  # the check waits for commit
    with app_role(), tenant_context(None):
        check_import_job.call_local(tenant_a.pk, job_id)

    assert ImportJob.objects.get(pk=job_id).status == ImportJob.Status.READY
