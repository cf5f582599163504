"""The bounds of an import (issue 9): a hard row cap, files read as streams with the
real row count deciding inline or background, a cell too long for its column or a
formula Excel never calculated reported on its row, and every column of every row
checked so that one preview lists every problem."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from openpyxl import Workbook

from modules.employees import jobs
from modules.employees.importing import import_employees
from modules.employees.models import Employee, ImportJob
from opsplatform.importing.files import ImportFileError, count_rows
from tests.modules.employees.helpers import csv_bytes
from tests.modules.employees.test_import import (  # noqa: F401 - fixtures
    IMPORT_URL,
    by_testid,
    hr_client,
    job_id_of,
    org,
    upload,
)

pytestmark = pytest.mark.django_db


def run(content: bytes, filename: str = "people.csv"):
    return import_employees(content, filename, may_set_salary=True)


def errors_of(report) -> list[tuple[int, str, str]]:
    return [(e.line, e.column, e.message) for e in report.errors]


def people(count: int) -> list[dict]:
    return [{"employee_number": f"P{i:04d}", "first_name": f"Person {i}"} for i in range(count)]


def xlsx_bytes(header: list, rows: list[list], *, cached: dict[str, str] | None = None) -> bytes:
    """An Excel file; ``cached`` gives formula cells (by coordinate) the value Excel
    would have saved with them (openpyxl itself saves formulas without one)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    if not cached:
        return out.getvalue()
    source = zipfile.ZipFile(out)
    patched = io.BytesIO()
    with zipfile.ZipFile(patched, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = data.decode()
                for coordinate, value in cached.items():
                    text = re.sub(
                        rf'(<c r="{coordinate}"[^>]*><f>[^<]*</f>)<v\s*/>',
                        rf"\1<v>{value}</v>",
                        text,
                    )
                data = text.encode()
            target.writestr(item, data)
    return patched.getvalue()


# -- the row cap ------------------------------------------------------------------------


@pytest.fixture
def cap_of_50(settings):
    settings.IMPORT_MAX_ROWS = 50


def test_a_file_over_the_row_cap_is_refused_saying_the_cap_and_its_size(acme, cap_of_50):
    with pytest.raises(ImportFileError) as refusal:
        run(csv_bytes(people(60)))

    message = str(refusal.value)
    assert "at least 60 rows" in message and "at most 50" in message
    assert not Employee.objects.exists()


def test_a_file_at_the_row_cap_is_imported(acme, cap_of_50):
    report = run(csv_bytes(people(50)))

    assert report.applied and report.created == 50


def test_an_excel_file_over_the_row_cap_is_refused_too(acme, cap_of_50):
    content = xlsx_bytes(["employee_number", "first_name"], [[f"X{i}", "X"] for i in range(51)])

    with pytest.raises(ImportFileError, match="at least 51 rows"):
        run(content, "people.xlsx")


def test_the_person_sees_the_row_cap_refusal_on_the_job_page(hr_client, cap_of_50):  # noqa: F811
    job_id = job_id_of(upload(hr_client, csv_bytes(people(51))))

    html = hr_client.get(f"{IMPORT_URL}{job_id}/").content.decode()

    assert "at least 51 rows; one import takes at most 50" in by_testid(html, "import-file-error")
    assert ImportJob.objects.get().status == ImportJob.Status.INVALID
    assert 'data-testid="import-confirm"' not in html


def test_blank_rows_do_not_count_towards_the_cap(acme, cap_of_50):
    content = csv_bytes(people(50)) + b",\r\n" * 20

    assert run(content).created == 50


# -- streaming and the real row count -----------------------------------------------------------


CR_ONLY = csv_bytes(people(30)).replace(b"\r\n", b"\r")


def test_a_csv_with_cr_only_line_endings_is_counted_by_its_rows(acme):
    assert b"\n" not in CR_ONLY
    assert count_rows(io.BytesIO(CR_ONLY), "people.csv", stop_after=1000) == 30
    assert count_rows(io.BytesIO(CR_ONLY), "people.csv", stop_after=10) == 10  # stops early


def test_a_csv_with_cr_only_line_endings_imports_every_row(acme):
    report = run(CR_ONLY)

    assert report.ok and report.created == 30
    assert Employee.objects.get(employee_number="P0029").first_name == "Person 29"


def test_an_excel_file_is_counted_by_its_rows_not_its_bytes(acme):
    content = xlsx_bytes(["employee_number", "first_name"], [[f"X{i}", "X"] for i in range(25)])

    assert count_rows(io.BytesIO(content), "people.xlsx", stop_after=1000) == 25


@pytest.mark.parametrize(
    "name, content",
    [
        ("people.csv", CR_ONLY),
        (
            "people.xlsx",
            xlsx_bytes(["employee_number", "first_name"], [[f"X{i}", "X"] for i in range(30)]),
        ),
    ],
)
def test_a_large_file_goes_to_the_background_whatever_its_format(
    hr_client,  # noqa: F811
    monkeypatch,
    django_capture_on_commit_callbacks,
    name,
    content,
):
    monkeypatch.setattr(jobs, "INLINE_ROW_LIMIT", 5)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job_id = job_id_of(upload(hr_client, content, name))
    assert ImportJob.objects.get(pk=job_id).status == ImportJob.Status.CHECKING  # not checked here
    for callback in callbacks:
        callback()

    job = ImportJob.objects.get(pk=job_id)
    assert job.status == ImportJob.Status.READY, job.report
    assert job.total_rows == 30


def test_a_small_file_is_checked_in_the_request(hr_client):  # noqa: F811
    job_id = job_id_of(upload(hr_client, CR_ONLY))

    assert ImportJob.objects.get(pk=job_id).status == ImportJob.Status.READY


# -- cells the file cannot give -----------------------------------------------------------------


LONG = "x" * 200_000


def test_a_cell_over_the_limit_is_an_error_on_its_row_and_column(org):  # noqa: F811
    content = csv_bytes(
        [
            {"employee_number": "A1", "first_name": "Ann", "department": "Engineering"},
            {"employee_number": "A2", "first_name": LONG, "department": "Nowhere"},
            {"employee_number": "A3", "first_name": "Cat", "department": "Sales"},
        ]
    )

    report = run(content)

    assert errors_of(report) == [
        (3, "first_name", "This cell has 200,000 characters; a cell holds at most 131,072."),
        (3, "department", "No department “Nowhere” in this company."),
    ]
    assert report.total == 3 and not Employee.objects.exists()


def test_a_long_quoted_cell_with_line_breaks_does_not_shift_the_rows_after_it(org):  # noqa: F811
    long_text = ("y" * 70_000 + "\n") * 2 + 'with "quotes"'
    content = csv_bytes(
        [
            {"employee_number": "A1", "first_name": "Ann", "termination_reason": long_text},
            {"employee_number": "A2", "first_name": "Ben", "termination_reason": ""},
            {"employee_number": "A3", "first_name": "", "termination_reason": ""},
        ]
    )

    report = run(content)

    assert [(line, column) for line, column, _m in errors_of(report)] == [
        (2, "termination_reason"),
        (4, "first_name"),
    ]
    assert "140," in report.errors[0].message


def test_a_long_cell_on_the_page_is_a_row_error_not_a_server_error(hr_client):  # noqa: F811
    content = csv_bytes([{"employee_number": "A1", "first_name": LONG}])

    job_id = job_id_of(upload(hr_client, content))
    response = hr_client.get(f"{IMPORT_URL}{job_id}/")

    assert response.status_code == 200
    assert "at most 131,072" in response.content.decode()
    assert ImportJob.objects.get().status == ImportJob.Status.INVALID


def test_a_formula_with_no_saved_value_is_refused_naming_the_cell(org):  # noqa: F811
    content = xlsx_bytes(
        ["employee_number", "first_name", "salary"],
        [["E1", "Rana", 5000], ["E2", "Karim", "=B12*2"]],
    )

    report = run(content, "people.xlsx")

    assert errors_of(report) == [
        (
            3,
            "salary",
            "Cell C3 is a formula with no saved value; open the file in Excel and save it, "
            "or paste the values.",
        )
    ]
    assert not Employee.objects.exists()


def test_a_formula_with_its_saved_value_imports_the_value(org):  # noqa: F811
    content = xlsx_bytes(
        ["employee_number", "first_name", "salary"],
        [["E1", "Rana", "=1000*5"]],
        cached={"C2": "5000"},
    )

    report = run(content, "people.xlsx")

    assert report.ok, errors_of(report)
    assert Employee.objects.get(employee_number="E1").salary == 5000


# -- every column of every row ----------------------------------------------------------------


def test_every_problem_of_a_row_is_listed_not_only_the_first(org):  # noqa: F811
    content = csv_bytes(
        [
            {
                "employee_number": "A1",
                "first_name": "",
                "work_email": "not-an-email",
                "hire_date": "someday",
                "department": "Nowhere",
                "status": "retired",
                "salary": "lots",
            },
            {
                "employee_number": "A2",
                "first_name": "Ben",
                "work_email": "",
                "hire_date": "",
                "department": "Sales",
                "status": "",
                "salary": "",
            },
        ]
    )

    report = run(content)

    assert sorted(column for line, column, _m in errors_of(report) if line == 2) == [
        "department",
        "first_name",
        "hire_date",
        "salary",
        "status",
        "work_email",
    ]
    assert report.error_rows == 1 and report.error_count == 6
    assert report.to_create == 1  # the good row is still counted in the preview


def test_a_row_whose_manager_is_defined_in_a_failed_row_says_so(org):  # noqa: F811
    content = csv_bytes(
        [
            {"employee_number": "M1", "first_name": "Mona", "department": "Nowhere", "manager": ""},
            {"employee_number": "A1", "first_name": "Ann", "department": "Sales", "manager": "M1"},
            {"employee_number": "A2", "first_name": "Ben", "department": "Sales", "manager": "Z9"},
        ]
    )

    report = run(content)

    assert errors_of(report) == [
        (2, "department", "No department “Nowhere” in this company."),
        (
            3,
            "manager",
            "The manager “M1” is new in this file, on line 2, which has errors: "
            "fix that row and this one is fine.",
        ),
        (4, "manager", "No employee “Z9” in this company or this file."),
    ]
    assert report.error_rows == 3


def test_a_row_with_a_duplicate_number_still_has_its_other_columns_checked(org):  # noqa: F811
    content = csv_bytes(
        [
            {"employee_number": "A1", "first_name": "Ann", "department": "Sales"},
            {"employee_number": "A1", "first_name": "Ann", "department": "Nowhere"},
        ]
    )

    report = run(content)

    assert [(line, column) for line, column, _m in errors_of(report)] == [
        (3, "department"),
        (3, "employee_number"),
    ]


def test_the_preview_counts_rows_with_errors_and_problems(hr_client):  # noqa: F811
    content = csv_bytes(
        [
            {"employee_number": "A1", "first_name": "", "department": "Nowhere"},
            {"employee_number": "A2", "first_name": "Ben", "department": "Sales"},
        ]
    )
    job_id = job_id_of(upload(hr_client, content))

    html = hr_client.get(f"{IMPORT_URL}{job_id}/").content.decode()

    assert by_testid(html, "error-rows") == "1"
    assert by_testid(html, "error-count") == "2"
    assert by_testid(html, "to-create") == "1"
