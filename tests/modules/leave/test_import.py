"""Importing opening balances, allocations and holidays: a preview before anything
is written, every bad row with its line and column, and all rows or none."""

from __future__ import annotations

import io
import re
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from modules.leave.importing import import_leave_file
from modules.leave.models import Holiday, LedgerEntry, Unit
from opsplatform.tenancy import tenant_context
from tenants.roles import RoleCode
from tests.modules.employees.factories import EmployeeFactory
from tests.modules.employees.helpers import csv_bytes
from tests.modules.leave.factories import HolidayCalendarFactory, HolidayFactory, LeaveTypeFactory

pytestmark = pytest.mark.django_db

IMPORT_URL = "/admin/leave/leavetype/data/import/"


@pytest.fixture
def acme(tenant_a):
    with tenant_context(tenant_a):
        yield tenant_a


@pytest.fixture
def leave_setup(acme):
    """Two people, annual leave in days, time off in lieu in hours, unpaid (no balance)."""
    return {
        "rana": EmployeeFactory(employee_number="E1"),
        "omar": EmployeeFactory(employee_number="E2"),
        "annual": LeaveTypeFactory(name="Annual", code="annual"),
        "toil": LeaveTypeFactory(name="Time off in lieu", code="toil", unit=Unit.HOURS),
        "half": LeaveTypeFactory(name="Study", code="study", unit=Unit.HALF_DAYS),
        "unpaid": LeaveTypeFactory(name="Unpaid", code="unpaid", tracks_balance=False),
        "dubai": HolidayCalendarFactory(name="Dubai"),
    }


def balances(rows: list[dict]) -> bytes:
    return csv_bytes(rows)


def run(kind: str, content: bytes, name: str = "file.csv", **kwargs):
    return import_leave_file(kind, io.BytesIO(content), name, **kwargs)


def errors_of(report) -> list[tuple[int, str, str]]:
    return [(e.line, e.column, e.message) for e in report.errors]


def row(**cells) -> dict:
    base = {
        "employee_number": "E1",
        "leave_type": "annual",
        "amount": "12.5",
        "effective_date": "2026-01-01",
        "kind": "",
        "reason": "",
    }
    return {**base, **cells}


# -- balances ---------------------------------------------------------------------------


def test_opening_balances_and_allocations_become_ledger_entries(leave_setup, hr_user):
    content = balances(
        [
            row(reason="Carried over from the old system"),
            row(employee_number="e2", leave_type="TOIL", amount="7,5", kind="opening"),
            row(amount="2", kind="allocation", effective_date="15/03/2026"),
        ]
    )
    report = run("balances", content, user=hr_user)
    assert report.ok and report.applied and report.created == 3
    entries = list(LedgerEntry.objects.order_by("pk"))
    assert [(e.employee.employee_number, e.leave_type.code, e.kind, e.amount) for e in entries] == [
        ("E1", "annual", "opening", Decimal("12.50")),
        ("E2", "toil", "opening", Decimal("7.50")),
        ("E1", "annual", "allocation", Decimal("2.00")),
    ]
    assert entries[0].reason == "Carried over from the old system"
    assert entries[2].effective_on == date(2026, 3, 15)
    assert {e.created_by for e in entries} == {hr_user}


def test_every_kind_of_bad_row_is_reported_with_its_line_and_column(leave_setup):
    content = balances(
        [
            row(employee_number="NOPE"),
            row(leave_type="ghost"),
            row(amount="lots"),
            row(amount="0"),
            row(effective_date="soon"),
            row(leave_type="unpaid"),
            row(kind="bonus"),
            row(leave_type="study", amount="1.25"),
            row(kind="allocation", amount="-1"),
        ]
    )
    report = run("balances", content)
    assert not report.ok and report.error_rows == 9
    found = {(line, column) for line, column, _message in errors_of(report)}
    assert found == {
        (2, "employee_number"),
        (3, "leave_type"),
        (4, "amount"),
        (5, "amount"),
        (6, "effective_date"),
        (7, "leave_type"),
        (8, "kind"),
        (9, "amount"),
        (10, "amount"),
    }
    messages = dict(((line, column), message) for line, column, message in errors_of(report))
    assert messages[(2, "employee_number")] == "No employee “NOPE” in this company."
    assert messages[(3, "leave_type")] == "No leave type with the code “ghost”."
    assert messages[(4, "amount")] == "“lots” is not a number."
    assert messages[(5, "amount")] == "The amount cannot be zero."
    assert "is not a date" in messages[(6, "effective_date")]
    assert messages[(7, "leave_type")] == "Unpaid does not track a balance."
    assert LedgerEntry.objects.count() == 0


def test_one_bad_row_writes_nothing(leave_setup):
    content = balances([row(), row(employee_number="E2"), row(employee_number="E3")])
    report = run("balances", content)
    assert report.to_create == 2 and report.error_rows == 1 and not report.applied
    assert LedgerEntry.objects.count() == 0


def test_an_opening_balance_is_set_once_per_person_and_type(leave_setup):
    assert run("balances", balances([row()])).applied
    again = run("balances", balances([row(employee_number="E2"), row(), row(employee_number="E2")]))
    assert errors_of(again) == [
        (
            3,
            "employee_number",
            "E1 already has an opening balance of Annual; correct it with an adjustment.",
        ),
        (4, "employee_number", "The opening balance of E2 and Annual is also on line 2."),
    ]
    assert LedgerEntry.objects.count() == 1


def test_an_escaped_formula_is_read_as_text_and_never_evaluated(leave_setup):
    report = run("balances", balances([row(reason='\'=HYPERLINK("x")', amount="'-2")]))
    assert report.ok
    entry = LedgerEntry.objects.get()
    assert entry.reason == '=HYPERLINK("x")' and entry.amount == Decimal("-2")


def test_an_excel_file_with_real_dates_and_numbers(leave_setup):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Employee number", "Leave type", "Amount", "Effective date"])
    sheet.append(["E1", "annual", 3, date(2026, 2, 1)])
    out = io.BytesIO()
    workbook.save(out)
    report = run("balances", out.getvalue(), "balances.xlsx")
    assert report.applied
    assert LedgerEntry.objects.get().effective_on == date(2026, 2, 1)


def test_a_row_shorter_than_the_header_reports_its_empty_required_cells(leave_setup):
    # Excel leaves out a row's empty cells at its end; the row is not "missing" them.
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["employee_number", "leave_type", "amount", "effective_date"])
    sheet.append(["E1", "annual", 3])
    sheet.append(["E2", "annual"])
    out = io.BytesIO()
    workbook.save(out)
    report = run("balances", out.getvalue(), "balances.xlsx")
    assert errors_of(report) == [
        (2, "effective_date", "This column is required."),
        (3, "amount", "This column is required."),
        (3, "effective_date", "This column is required."),
    ]
    assert LedgerEntry.objects.count() == 0


def test_a_file_without_a_required_column_or_with_an_unknown_one_is_refused(leave_setup):
    from opsplatform.importing.files import ImportFileError

    with pytest.raises(ImportFileError, match="lacks these columns: amount"):
        run("balances", b"employee_number,leave_type,effective_date\nE1,annual,2026-01-01\n")
    with pytest.raises(ImportFileError, match="Unknown columns: colour"):
        run("balances", b"employee_number,leave_type,amount,effective_date,colour\n")


def test_the_writes_do_not_cost_a_query_per_row(leave_setup, django_assert_max_num_queries):
    people = EmployeeFactory.create_batch(40)
    content = balances([row(employee_number=p.employee_number) for p in people])
    with django_assert_max_num_queries(12):
        report = run("balances", content)
    assert report.created == 40


# -- holidays ---------------------------------------------------------------------------


def holiday(**cells) -> dict:
    base = {"calendar": "Dubai", "date": "2026-12-02", "name": "National Day"}
    return {**base, "every_year": "yes", "half_day": "no", **cells}


def test_holidays_are_added_to_their_calendar_with_history(leave_setup, hr_user):
    content = csv_bytes(
        [holiday(), holiday(date="2026-03-20", name="Eid", every_year="", half_day="yes")]
    )
    report = run("holidays", content, user=hr_user)
    assert report.applied and report.created == 2
    national, eid = Holiday.objects.order_by("-date")
    assert national.recurs_yearly and not national.half_day
    assert not eid.recurs_yearly and eid.half_day
    assert national.history.get().history_user == hr_user


def test_bad_holiday_rows_are_reported_and_nothing_is_written(leave_setup):
    HolidayFactory(calendar=leave_setup["dubai"], date=date(2026, 1, 1), name="New Year")
    content = csv_bytes(
        [
            holiday(calendar="Atlantis"),
            holiday(date="32/13/2026"),
            holiday(date="2026-01-01"),
            holiday(),
            holiday(name="Again"),
            holiday(every_year="maybe", date="2026-05-01"),
            holiday(name="", date="2026-06-01"),
        ]
    )
    report = run("holidays", content)
    assert [(line, column) for line, column, _m in errors_of(report)] == [
        (2, "calendar"),
        (3, "date"),
        (4, "date"),
        (6, "date"),
        (7, "every_year"),
        (8, "name"),
    ]
    assert errors_of(report)[2][2] == "Dubai already has a holiday on Jan. 1, 2026."
    assert "on line 5 too" in errors_of(report)[3][2]
    assert Holiday.objects.count() == 1


# -- the page ---------------------------------------------------------------------------


@pytest.fixture
def hr_user(tenant_a, make_member):
    return make_member(tenant_a, "hr@acme.test", roles=[RoleCode.HR])


@pytest.fixture
def hr_client(tenant_a, hr_user, client_for, leave_setup):
    return client_for(tenant_a, hr_user)


def upload(client, content: bytes, kind: str = "balances", name: str = "balances.csv"):
    return client.post(
        IMPORT_URL, {"kind": kind, "file": SimpleUploadedFile(name, content, "text/csv")}
    )


def token_of(response) -> str:
    match = re.search(r'name="token" value="([^"]+)"', response.content.decode())
    assert match, response.content.decode()[:2000]
    return match.group(1)


def test_the_page_previews_then_imports_once_on_a_double_click(hr_client, tenant_a):
    preview = upload(hr_client, balances([row(), row(employee_number="E2")]))
    assert preview.status_code == 200
    assert b'data-testid="to-create">2<' in preview.content
    with tenant_context(tenant_a):
        assert LedgerEntry.objects.count() == 0  # the preview wrote nothing
    token = token_of(preview)
    first = hr_client.post(IMPORT_URL, {"action": "confirm", "token": token}, follow=True)
    assert "Imported 2 rows" in first.content.decode()
    second = hr_client.post(IMPORT_URL, {"action": "confirm", "token": token}, follow=True)
    assert "already been imported" in second.content.decode()
    with tenant_context(tenant_a):
        assert LedgerEntry.objects.count() == 2


def test_the_preview_lists_every_bad_row_and_offers_no_import(hr_client):
    response = upload(hr_client, balances([row(employee_number="NOPE"), row(amount="x")]))
    html = response.content.decode()
    assert "No employee “NOPE” in this company." in html and "“x” is not a number." in html
    assert 'data-testid="import-confirm"' not in html


def test_a_file_that_is_not_a_table_is_refused(hr_client):
    response = upload(hr_client, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", name="x.csv")
    assert "Upload a .csv or .xlsx file." in response.content.decode()
    text = upload(hr_client, b"just some words\n", name="notes.csv").content.decode()
    assert (
        "The file lacks these columns: employee_number, leave_type, amount, effective_date." in text
    )


def test_a_token_of_another_person_imports_nothing(hr_client, tenant_a, make_member, client_for):
    token = token_of(upload(hr_client, balances([row()])))
    owner = make_member(tenant_a, "owner@acme.test", roles=[RoleCode.OWNER])
    response = client_for(tenant_a, owner).post(
        IMPORT_URL, {"action": "confirm", "token": token}, follow=True
    )
    assert "This preview has expired" in response.content.decode()
    with tenant_context(tenant_a):
        assert LedgerEntry.objects.count() == 0


def test_templates_download_with_the_columns(hr_client):
    csv_file = hr_client.get(IMPORT_URL + "template/balances/csv/")
    assert csv_file["Content-Disposition"].startswith("attachment")
    assert csv_file.content.decode("utf-8-sig").strip() == (
        "employee_number,leave_type,amount,effective_date,kind,reason"
    )
    xlsx = hr_client.get(IMPORT_URL + "template/holidays/xlsx/")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert [c.value for c in sheet[1]] == ["calendar", "date", "name", "every_year", "half_day"]


def test_a_hostile_employee_cannot_import_or_download_a_template(
    tenant_a, make_member, client_for, leave_setup
):
    employee = make_member(tenant_a, "mallory@acme.test", roles=[RoleCode.EMPLOYEE])
    manager = make_member(tenant_a, "boss@acme.test", roles=[RoleCode.MANAGER])
    for user in (employee, manager):
        client = client_for(tenant_a, user)
        assert client.get(IMPORT_URL).status_code == 403
        assert upload(client, balances([row()])).status_code == 403
        assert client.post(IMPORT_URL, {"action": "confirm", "token": "x"}).status_code == 403
        assert client.get(IMPORT_URL + "template/balances/csv/").status_code == 403
    with tenant_context(tenant_a):
        assert LedgerEntry.objects.count() == 0
