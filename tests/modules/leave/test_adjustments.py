"""HR's corrections (an adjustment with a reason, the reversal of a wrong entry)
and the ledger screen: read-only, HR's alone, no query per row."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from modules.leave.models import LedgerEntry
from modules.leave.selectors import balance_on
from modules.leave.services.adjustments import balance_adjust, ledger_entry_reverse
from opsplatform.refusals import Refused
from opsplatform.tenancy import tenant_context
from tenants.roles import RoleCode
from tests.modules.employees.factories import DepartmentFactory, EmployeeFactory
from tests.modules.leave.factories import LeaveTypeFactory, LedgerEntryFactory

pytestmark = pytest.mark.django_db

D = Decimal
LIST = "/admin/leave/ledgerentry/"
ADJUST = "/admin/leave/ledgerentry/adjust/"


@pytest.fixture
def worker_a(tenant_a, make_member):
    return make_member(tenant_a, "worker@acme.test", roles=[RoleCode.EMPLOYEE])


@pytest.fixture
def manager_a(tenant_a, make_member):
    return make_member(tenant_a, "manager@acme.test", roles=[RoleCode.MANAGER])


@pytest.fixture
def setup_a(tenant_a):
    with tenant_context(tenant_a):
        employee = EmployeeFactory()
        leave_type = LeaveTypeFactory()
        entry = LedgerEntryFactory(employee=employee, leave_type=leave_type, amount=D("5"))
    return employee, leave_type, entry


# -- the services -------------------------------------------------------------


def test_hr_adjusts_a_balance_with_a_reason(tenant_a, hr_a, setup_a):
    employee, leave_type, _entry = setup_a
    with tenant_context(tenant_a):
        entry = balance_adjust(
            employee=employee, leave_type=leave_type, amount="-1.5", reason="Overpaid", user=hr_a
        )
        assert (entry.kind, entry.amount, entry.created_by) == ("adjustment", D("-1.5"), hr_a)
        assert balance_on(employee, leave_type) == D("3.5")


@pytest.mark.parametrize(
    ("amount", "reason"), [("2", ""), ("2", "   "), ("0", "x"), ("0.001", "x"), ("lots", "x")]
)
def test_an_adjustment_needs_a_reason_and_an_amount(tenant_a, hr_a, setup_a, amount, reason):
    employee, leave_type, _entry = setup_a
    with tenant_context(tenant_a), pytest.raises(Refused):
        balance_adjust(
            employee=employee, leave_type=leave_type, amount=amount, reason=reason, user=hr_a
        )


def test_an_employee_cannot_adjust_or_reverse(tenant_a, worker_a, setup_a):
    employee, leave_type, entry = setup_a
    with tenant_context(tenant_a):
        with pytest.raises(Refused):
            balance_adjust(
                employee=employee, leave_type=leave_type, amount="9", reason="me", user=worker_a
            )
        with pytest.raises(Refused):
            ledger_entry_reverse(entry=entry, reason="me", user=worker_a)
        assert LedgerEntry.objects.count() == 1


def test_a_reversal_cancels_an_entry_once(tenant_a, hr_a, setup_a):
    employee, leave_type, entry = setup_a
    with tenant_context(tenant_a):
        reversal = ledger_entry_reverse(entry=entry, reason="Entered twice", user=hr_a)
        assert (reversal.amount, reversal.reverses) == (D("-5"), entry)
        assert balance_on(employee, leave_type) == 0
        with pytest.raises(Refused):
            ledger_entry_reverse(entry=entry, reason="again", user=hr_a)
        with pytest.raises(Refused):
            ledger_entry_reverse(entry=reversal, reason="undo", user=hr_a)


# -- the screen ----------------------------------------------------------------


def test_hr_sees_the_ledger_read_only(tenant_a, hr_a, setup_a, client_for):
    _employee, _type, entry = setup_a
    client = client_for(tenant_a, hr_a)
    page = client.get(LIST)
    assert page.status_code == 200 and entry.reason in page.content.decode()
    assert "Adjust a balance" in page.content.decode()
    assert client.get(f"{LIST}add/").status_code == 403
    detail = client.get(f"{LIST}{entry.pk}/change/")
    assert detail.status_code == 200 and 'name="amount"' not in detail.content.decode()
    assert f"{entry.pk}/reverse/" in detail.content.decode()
    assert b"Balance ledger" in client.get("/admin/").content
    client.post(f"{LIST}{entry.pk}/change/", {"amount": "99"})
    client.post(f"{LIST}{entry.pk}/delete/", {"post": "yes"})
    with tenant_context(tenant_a):
        assert LedgerEntry.objects.get(pk=entry.pk).amount == D("5")


def test_hr_filters_by_type_kind_department_and_date(tenant_a, hr_a, setup_a, client_for):
    _employee, leave_type, entry = setup_a
    with tenant_context(tenant_a):
        department = DepartmentFactory()
        other = LedgerEntryFactory(employee=EmployeeFactory(department=department))
    client = client_for(tenant_a, hr_a)
    for query, shown, hidden in [
        (f"leave_type__id__exact={leave_type.pk}", entry, other),
        (f"employee__department__id__exact={department.pk}", other, entry),
        ("kind__exact=adjustment", None, entry),
        (f"effective_on_from={date.today().isoformat()}", entry, None),
        (f"effective_on_to={date(2000, 1, 1).isoformat()}", None, entry),
    ]:
        page = client.get(f"{LIST}?{query}")
        assert page.status_code == 200, query
        html = page.content.decode()
        if shown is not None:
            assert shown.reason in html, query
        if hidden is not None:
            assert hidden.reason not in html, query


def test_hr_adjusts_and_reverses_through_the_screens(tenant_a, hr_a, setup_a, client_for):
    employee, leave_type, entry = setup_a
    client = client_for(tenant_a, hr_a)
    assert client.get(ADJUST).status_code == 200
    refused = client.post(
        ADJUST, {"employee": employee.pk, "leave_type": leave_type.pk, "amount": "2", "reason": ""}
    )
    assert refused.status_code == 200 and b"required" in refused.content
    done = client.post(
        ADJUST,
        {"employee": employee.pk, "leave_type": leave_type.pk, "amount": "2", "reason": "Bonus"},
    )
    assert done.status_code == 302
    reverse_url = f"{LIST}{entry.pk}/reverse/"
    assert client.get(reverse_url).status_code == 200  # the reason form; nothing written
    with tenant_context(tenant_a):
        assert balance_on(employee, leave_type) == D("7")
    assert client.post(reverse_url, {"reason": ""}).status_code == 200
    assert client.post(reverse_url, {"reason": "Wrong person"}).status_code == 302
    with tenant_context(tenant_a):
        assert balance_on(employee, leave_type) == D("2")


@pytest.mark.parametrize("role", ["worker_a", "manager_a"])
def test_an_employee_reaches_the_ledger_by_no_path(request, role, tenant_a, setup_a, client_for):
    employee, leave_type, entry = setup_a
    client = client_for(tenant_a, request.getfixturevalue(role))
    for url in (
        LIST,
        f"{LIST}?employee__id__exact={employee.pk}",
        f"{LIST}{entry.pk}/change/",
        f"{LIST}{entry.pk}/history/",
        f"{LIST}{entry.pk}/reverse/",
        f"{LIST}export/",
        ADJUST,
    ):
        assert client.get(url).status_code in (403, 404), url
    posts = [
        (
            ADJUST,
            {"employee": employee.pk, "leave_type": leave_type.pk, "amount": "9", "reason": "me"},
        ),
        (f"{LIST}{entry.pk}/reverse/", {"reason": "me"}),
        (f"{LIST}export/", {"format": "0", "resource": "0", "export_items": [str(entry.pk)]}),
        (LIST, {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"}),
    ]
    for url, data in posts:
        response = client.post(url, data)
        assert response.status_code in (403, 404), url
        assert str(entry.amount) not in response.content.decode() or response.status_code == 404
    with tenant_context(tenant_a):
        assert list(LedgerEntry.objects.values_list("pk", "amount")) == [(entry.pk, D("5"))]
    assert b"Balance ledger" not in client.get("/admin/").content


def test_the_ledger_list_costs_the_same_queries_for_more_rows(tenant_a, hr_a, client_for):
    client = client_for(tenant_a, hr_a)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(LIST).status_code == 200
        return len(captured.captured_queries)

    def add(n):
        with tenant_context(tenant_a):
            for _ in range(n):
                LedgerEntryFactory(employee=EmployeeFactory(department=DepartmentFactory()))

    add(2)
    client.get(LIST)  # warm per-process caches
    few = queries()
    add(20)
    assert queries() == few
