"""Background work while a company is read-only (docs/billing.md, "Read-only mode"),
on a frozen clock: work that writes the company's records on its behalf leaves it
out and catches up once it pays; notices and the outbox still run; and every sweep
says which it is, in the one per-company sweep helper."""

from __future__ import annotations

import ast
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from freezegun import freeze_time

from modules.leave.models import LeavePolicy
from modules.leave.tasks import run_leave_balances
from opsplatform.models import SweepRun
from opsplatform.tenancy import tenant_context
from opsplatform.tenancy.sweeps import RUN, SKIP, for_each_active_tenant
from tests.modules.leave.balances_helpers import entries, person_with_policy
from tests.opsplatform.billing.read_only_helpers import make_read_only, pay

pytestmark = pytest.mark.django_db

GRACE_ENDED = datetime(2026, 2, 1, tzinfo=UTC)
ROOT = Path(__file__).resolve().parents[3]


def monthly_person(tenant):
    with tenant_context(tenant):
        return person_with_policy(
            accrual=LeavePolicy.Accrual.MONTHLY,
            yearly_entitlement=Decimal("12"),
            accrues_from=date(2026, 1, 1),
        )


def accrued_on(tenant, person) -> list[date]:
    employee, policy = person
    with tenant_context(tenant):
        return [entry.effective_on for entry in entries(employee, policy)]


def runs_of(tenant, name: str) -> int:
    with tenant_context(tenant):
        return SweepRun.objects.filter(name=name).count()


def test_a_read_only_companys_accruals_wait_and_an_active_ones_are_written(tenant_a, tenant_b):
    active, read_only = monthly_person(tenant_a), monthly_person(tenant_b)
    make_read_only(tenant_b, since=GRACE_ENDED)

    with freeze_time("2026-03-02 08:00"):
        run_leave_balances()

    assert accrued_on(tenant_a, active) == [date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)]
    assert accrued_on(tenant_b, read_only) == []
    # Its day was not spent: nothing records a run for the read-only company.
    assert runs_of(tenant_a, "Leave balances") == 1
    assert runs_of(tenant_b, "Leave balances") == 0


def test_paying_catches_up_the_accruals_missed_while_read_only(tenant_a, tenant_b):
    person = monthly_person(tenant_b)
    make_read_only(tenant_b, since=GRACE_ENDED)
    for day in ("2026-02-02 08:00", "2026-03-02 08:00", "2026-04-02 08:00"):
        with freeze_time(day):
            run_leave_balances()
    assert accrued_on(tenant_b, person) == []

    with freeze_time("2026-04-10 08:00"):
        pay(tenant_b)
        run_leave_balances()
        run_leave_balances()  # the next quarter hour finds the day done

    assert accrued_on(tenant_b, person) == [
        date(2026, 1, 1),
        date(2026, 2, 1),
        date(2026, 3, 1),
        date(2026, 4, 1),
    ]
    assert runs_of(tenant_b, "Leave balances") == 1


def test_inside_the_grace_period_accruals_are_written(tenant_b):
    person = monthly_person(tenant_b)
    make_read_only(tenant_b, since=datetime(2026, 3, 5, tzinfo=UTC))
    with freeze_time("2026-03-02 08:00"):  # past due, but the grace period runs
        run_leave_balances()
    assert len(accrued_on(tenant_b, person)) == 3


def test_what_a_sweep_does_for_a_read_only_company(tenant_a, tenant_b):
    make_read_only(tenant_b, since=GRACE_ENDED)
    with freeze_time("2026-03-02 08:00"):
        seen = {mode: [] for mode in ("skip", "run", "instead")}
        skipped = for_each_active_tenant(
            "Test: skip",
            lambda tenant: seen["skip"].append(tenant.slug),
            period="2026-03-02",
            read_only=SKIP,
        )
        ran = for_each_active_tenant(
            "Test: run", lambda tenant: seen["run"].append(tenant.slug), read_only=RUN
        )
        instead = for_each_active_tenant(
            "Test: instead",
            lambda tenant: seen["instead"].append(tenant.slug),
            period="2026-03-02",
            read_only=lambda tenant: seen["instead"].append(f"notice only: {tenant.slug}"),
        )

    assert seen == {
        "skip": ["acme"],
        "run": ["acme", "globex"],
        "instead": ["acme", "notice only: globex"],
    }
    assert skipped.done == ["acme"] and skipped.read_only == ["globex"]
    assert skipped.skipped == [] and skipped.failed == []
    assert runs_of(tenant_b, "Test: skip") == 0  # its period waits for it
    assert ran.done == ["acme", "globex"] and ran.read_only == []
    assert instead.done == ["acme", "globex"] and instead.read_only == ["globex"]
    assert runs_of(tenant_b, "Test: instead") == 1


def test_the_default_is_to_leave_a_read_only_company_out(tenant_a, tenant_b):
    make_read_only(tenant_b, since=GRACE_ENDED)
    with freeze_time("2026-03-02 08:00"):
        seen = []
        for_each_active_tenant("Test: default", lambda tenant: seen.append(tenant.slug))
    assert seen == ["acme"]


def test_the_outbox_and_the_reminders_still_run_for_a_read_only_company(tenant_a, tenant_b):
    from modules.employees.tasks import release_stalled_import_jobs, remind_expiring_documents
    from modules.leave.tasks import notify_team_off_tomorrow
    from modules.projects.tasks import remind_due_tasks
    from opsplatform.outbox.sweep import prune, sweep

    make_read_only(tenant_b, since=GRACE_ENDED)
    with freeze_time("2026-03-02 20:00"):  # after every local hour these wait for
        assert "globex" in sweep().done
        assert "globex" in prune().done
        remind_expiring_documents.call_local()
        notify_team_off_tomorrow.call_local()
        remind_due_tasks.call_local()
        release_stalled_import_jobs.call_local()
    for name in (
        "Document expiry reminder",
        "Leave: team off tomorrow",
        "Projects: due and overdue tasks",
    ):
        assert runs_of(tenant_b, name) == 1, name


def _sweep_calls():
    """Every call of ``for_each_active_tenant`` in the product's code."""
    for package in ("modules", "opsplatform", "tenants"):
        for path in sorted((ROOT / package).rglob("*.py")):
            tree = ast.parse(path.read_text(), filename=str(path))
            for node in ast.walk(tree):
                if (
                    isinstance(node, ast.Call)
                    and getattr(node.func, "id", getattr(node.func, "attr", None))
                    == "for_each_active_tenant"
                ):
                    yield path.relative_to(ROOT), node


def test_every_sweep_says_what_it_does_for_a_read_only_company():
    calls = list(_sweep_calls())
    assert len(calls) >= 8
    silent = [
        f"{path}:{node.lineno}"
        for path, node in calls
        if "read_only" not in {keyword.arg for keyword in node.keywords}
    ]
    assert silent == [], "name read_only=SKIP, RUN or a notice-only function"
