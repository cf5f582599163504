"""The balance page answers "why is my balance 12.5?" (the entries with running
totals) and "what will it be on that date?" (accruals to come, expiring carried
days; pending requests already counted)."""

from __future__ import annotations

import sys
import types
from datetime import date, timedelta
from decimal import Decimal

import pytest

from modules.leave.models import LedgerEntry
from modules.leave.selectors import explain
from modules.leave.services.ledger import entry_post
from opsplatform.tenancy import tenant_context
from tests.modules.leave.factories import LeaveTypeFactory

pytestmark = pytest.mark.django_db

TODAY = date.today()
Kind = LedgerEntry.Kind


def post(employee, leave_type, kind, amount, days_from_today, **extra):
    return entry_post(
        employee=employee,
        leave_type=leave_type,
        kind=kind,
        amount=Decimal(amount),
        effective_on=TODAY + timedelta(days=days_from_today),
        **extra,
    )


@pytest.fixture
def fake_accruals(monkeypatch):
    """The accrual engine's schedule, faked: 1.5 days on the first of each month."""
    calls = []

    def scheduled_accruals(employee, leave_type, *, after, until):
        calls.append((after, until))
        day, due = after.replace(day=1), []
        while day <= until:
            if day > after:
                due.append((day, Decimal("1.5")))
            day = (day + timedelta(days=32)).replace(day=1)
        return due

    module = types.ModuleType("modules.leave.services.accrual")
    module.scheduled_accruals = scheduled_accruals
    monkeypatch.setitem(sys.modules, "modules.leave.services.accrual", module)
    return calls


@pytest.fixture
def wes_ledger(in_office):
    kind = LeaveTypeFactory(name="Annual leave", code="annual")
    wes = in_office.employee(in_office.worker)
    # Written out of order: the running total follows the effective date, then the id.
    post(wes, kind, Kind.ALLOCATION, "20", -40, reason="Yearly allocation")
    post(wes, kind, Kind.USE, "-2", -10)
    post(wes, kind, Kind.CARRY_FORWARD, "5", -30, expires_on=TODAY + timedelta(days=30))
    post(wes, kind, Kind.ADJUSTMENT, "-0.5", -5, reason="Correction of a half day")
    post(wes, kind, Kind.RESERVATION, "-1", 20)
    return wes, kind


def test_running_totals_follow_the_effective_dates(wes_ledger):
    wes, kind = wes_ledger

    entries, more = explain.entries_with_running_totals(wes, kind)

    assert not more
    assert [(e.kind, e.running_total) for e in entries] == [
        (Kind.RESERVATION, Decimal("21.5")),
        (Kind.ADJUSTMENT, Decimal("22.5")),
        (Kind.USE, Decimal("23")),
        (Kind.CARRY_FORWARD, Decimal("25")),
        (Kind.ALLOCATION, Decimal("20")),
    ]


def test_a_later_page_keeps_the_totals_of_the_whole_ledger(wes_ledger, monkeypatch):
    wes, kind = wes_ledger
    monkeypatch.setattr(explain, "ENTRIES_PER_PAGE", 2)

    entries, more = explain.entries_with_running_totals(wes, kind, page=2)

    assert more
    assert [e.running_total for e in entries] == [Decimal("23"), Decimal("25")]


def test_the_projection_adds_accruals_and_takes_off_expiring_carried_days(
    wes_ledger, fake_accruals
):
    wes, kind = wes_ledger
    on = TODAY + timedelta(days=62)

    projection = explain.project_balance(wes, kind, today=TODAY, on=on)

    assert projection.now == Decimal("21.5")  # the pending request's day already taken off
    assert projection.reserved == Decimal("1")
    assert fake_accruals == [(TODAY, on)]
    assert projection.accrued == Decimal("1.5") * len(projection.accruals) > 0
    # 5 carried; since then 2 taken and 1 held by a request before they expire (the
    # -0.5 adjustment is not leave taken): what is left, 2, expires.
    assert projection.expiring == [(TODAY + timedelta(days=30), Decimal("2"))]
    assert projection.total == Decimal("21.5") + projection.accrued - Decimal("2")


def test_no_more_expires_than_the_balance_holds(in_office, monkeypatch):
    monkeypatch.setitem(sys.modules, "modules.leave.services.accrual", None)  # no accruals
    kind = LeaveTypeFactory(name="Annual leave", code="annual")
    wes = in_office.employee(in_office.worker)
    post(wes, kind, Kind.CARRY_FORWARD, "5", -30, expires_on=TODAY + timedelta(days=10))
    # Not leave taken, so the carried days are untouched, but the balance is 1.
    post(wes, kind, Kind.ADJUSTMENT, "-4", -5, reason="Paid out")

    projection = explain.project_balance(wes, kind, today=TODAY, on=TODAY + timedelta(days=11))

    # As the daily run will: the 1 day the balance holds expires, not all 5.
    assert projection.expiring == [(TODAY + timedelta(days=10), Decimal("1"))]
    assert projection.total == 0


def test_carried_days_expiring_after_the_date_are_kept(wes_ledger, fake_accruals):
    wes, kind = wes_ledger

    projection = explain.project_balance(wes, kind, today=TODAY, on=TODAY + timedelta(days=29))

    assert projection.expiring == []


def test_without_an_accrual_engine_the_projection_says_so(wes_ledger, monkeypatch):
    wes, kind = wes_ledger
    monkeypatch.setitem(sys.modules, "modules.leave.services.accrual", None)

    projection = explain.project_balance(wes, kind, today=TODAY, on=TODAY + timedelta(days=90))

    assert projection.accruals_known is False
    assert projection.total == Decimal("21.5") - Decimal("2")


def test_the_page_lists_entries_with_totals_and_the_future_balance(
    office, wes_ledger, fake_accruals, client_for
):
    wes, kind = wes_ledger
    on = TODAY + timedelta(days=62)
    client = client_for(office.tenant, office.worker)

    response = client.get(f"/admin/leave/leaverequest/mine/?type={kind.pk}&on={on:%Y-%m-%d}")

    content = response.content.decode()
    assert response.status_code == 200
    assert "Correction of a half day" in content
    assert 'data-testid="running-total">21.5<' in content
    assert 'data-testid="balance-annual">21.5 days<' in content
    with tenant_context(office.tenant):
        expected = explain.project_balance(wes, kind, today=TODAY, on=on).total
    assert f'data-testid="projected">{expected.normalize():f}<' in content


def test_a_date_in_the_past_is_refused_with_a_message(office, wes_ledger, client_for):
    client = client_for(office.tenant, office.worker)

    response = client.get("/admin/leave/leaverequest/mine/?on=2000-01-01")

    assert "Choose a date after today." in response.content.decode()
    assert 'data-testid="projection"' not in response.content.decode()


def test_a_login_without_an_employee_record_has_no_my_leave(office, client_for):
    response = client_for(office.tenant, office.hr).get("/admin/leave/leaverequest/mine/")

    assert response.status_code == 403
