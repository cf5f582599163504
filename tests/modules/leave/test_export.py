"""Exporting balances, the ledger and requests: formula-escaped, and only for the
people who run leave (who see the whole company)."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from modules.leave.models import LedgerEntry
from modules.leave.services.ledger import entry_post
from opsplatform.tenancy import tenant_context
from tenants.roles import RoleCode
from tests.modules.employees.factories import DepartmentFactory, EmployeeFactory
from tests.modules.leave.factories import LeaveTypeFactory, make_leave_request

pytestmark = pytest.mark.django_db

EXPORT_URL = "/admin/leave/leavetype/data/export/"
Kind = LedgerEntry.Kind


@pytest.fixture
def ledger(tenant_a):
    """Rana in Finance: 20 accrued, 3 taken this year, 2 reserved by a pending request."""
    with tenant_context(tenant_a):
        finance = DepartmentFactory(name="Finance")
        rana = EmployeeFactory(
            employee_number="E1", first_name="=cmd|' /C calc'!A0", department=finance
        )
        annual = LeaveTypeFactory(name="Annual", code="annual")
        this_year = date.today().year
        post = {"employee": rana, "leave_type": annual}
        entry_post(
            **post, kind=Kind.ACCRUAL, amount=Decimal("20"), effective_on=date(this_year, 1, 1)
        )
        entry_post(**post, kind=Kind.USE, amount=Decimal("-4"), effective_on=date(this_year, 2, 2))
        entry_post(
            **post, kind=Kind.CREDIT, amount=Decimal("1"), effective_on=date(this_year, 2, 4)
        )
        entry_post(
            **post, kind=Kind.USE, amount=Decimal("-5"), effective_on=date(this_year - 1, 6, 1)
        )
        entry_post(
            **post, kind=Kind.RESERVATION, amount=Decimal("-2"), effective_on=date(this_year, 8, 3)
        )
        entry_post(
            **post,
            kind=Kind.ADJUSTMENT,
            amount=Decimal("1.5"),
            effective_on=date(this_year, 3, 1),
            reason="@SUM(1+1)",
        )
        make_leave_request(employee=rana, leave_type=annual, reason="+44 call me")
    return tenant_a


@pytest.fixture
def hr_client(tenant_a, make_member, client_for):
    return client_for(tenant_a, make_member(tenant_a, "hr@acme.test", roles=[RoleCode.HR]))


def rows_of(response) -> list[dict]:
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Disposition"].startswith("attachment")
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_balances_one_row_per_person_and_type_with_taken_and_reserved(ledger, hr_client):
    (row,) = rows_of(hr_client.get(EXPORT_URL, {"what": "balances", "file_format": "csv"}))
    assert row["employee_number"] == "E1" and row["department"] == "Finance"
    assert row["leave_type"] == "annual"
    assert Decimal(row["balance"]) == Decimal("11.5")  # 20 - 4 + 1 - 5 - 2 + 1.5
    assert Decimal(row["taken_this_year"]) == Decimal("3")  # 4 used less 1 credited back
    assert Decimal(row["reserved"]) == Decimal("2")


def test_cells_that_would_run_as_formulas_are_escaped(ledger, hr_client):
    (balance,) = rows_of(hr_client.get(EXPORT_URL, {"what": "balances", "file_format": "csv"}))
    assert balance["first_name"] == "'=cmd|' /C calc'!A0"
    ledger_rows = rows_of(hr_client.get(EXPORT_URL, {"what": "ledger", "file_format": "csv"}))
    assert "'@SUM(1+1)" in [r["reason"] for r in ledger_rows]
    assert {r["amount"] for r in ledger_rows} >= {"-4.00", "20.00"}  # numbers stay numbers
    requests = rows_of(hr_client.get(EXPORT_URL, {"what": "requests", "file_format": "csv"}))
    assert requests[0]["reason"] == "'+44 call me"


def test_the_ledger_export_is_the_entries_in_the_date_range(ledger, hr_client):
    this_year = date.today().year
    rows = rows_of(
        hr_client.get(
            EXPORT_URL,
            {
                "what": "ledger",
                "file_format": "csv",
                "start": f"{this_year}-02-01",
                "end": f"{this_year}-02-28",
            },
        )
    )
    assert [(r["kind"], r["amount"]) for r in rows] == [("use", "-4.00"), ("credit", "1.00")]


def test_an_excel_export_keeps_numbers_as_numbers(ledger, hr_client):
    response = hr_client.get(EXPORT_URL, {"what": "balances", "file_format": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    header = [c.value for c in sheet[1]]
    values = dict(zip(header, [c.value for c in sheet[2]], strict=True))
    assert values["balance"] == 11.5 and values["first_name"].startswith("'=")


def test_the_export_page_costs_the_same_queries_whatever_the_rows(
    ledger, hr_client, tenant_a, django_assert_max_num_queries
):
    hr_client.get(EXPORT_URL, {"what": "ledger", "file_format": "csv"})  # warm the caches
    with django_assert_max_num_queries(12):
        few = hr_client.get(EXPORT_URL, {"what": "ledger", "file_format": "csv"})
    with tenant_context(tenant_a):
        annual = LeaveTypeFactory(code="more")
        for person in EmployeeFactory.create_batch(15):
            entry_post(
                employee=person,
                leave_type=annual,
                kind=Kind.ALLOCATION,
                amount=Decimal("1"),
                effective_on=date.today(),
            )
    with django_assert_max_num_queries(12):
        many = hr_client.get(EXPORT_URL, {"what": "ledger", "file_format": "csv"})
    assert len(rows_of(many)) == len(rows_of(few)) + 15


def test_a_hostile_employee_or_a_manager_cannot_export(ledger, tenant_a, make_member, client_for):
    for email, role in (
        ("mallory@acme.test", RoleCode.EMPLOYEE),
        ("boss@acme.test", RoleCode.MANAGER),
    ):
        client = client_for(tenant_a, make_member(tenant_a, email, roles=[role]))
        for what in ("balances", "ledger", "requests"):
            response = client.get(EXPORT_URL, {"what": what, "file_format": "csv"})
            assert response.status_code == 403
            assert b"E1" not in response.content


def test_another_company_exports_nothing_of_this_one(ledger, tenant_b, make_member, client_for):
    client = client_for(tenant_b, make_member(tenant_b, "hr@globex.test", roles=[RoleCode.HR]))
    for what in ("balances", "ledger", "requests"):
        assert rows_of(client.get(EXPORT_URL, {"what": what, "file_format": "csv"})) == []
