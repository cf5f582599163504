"""Periodic work runs each company on its own (issue 9): one company's failure
is rolled back alone, logged and reported to platform staff, and the others run."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import override_settings

from opsplatform.tenancy import get_current_tenant, tenant_context
from opsplatform.tenancy.sweeps import for_each_active_tenant
from tenants.models import Invitation
from tests.factories import InvitationFactory

pytestmark = pytest.mark.django_db


@override_settings(ADMINS=["ops@platform.test"])
def test_one_failing_company_does_not_stop_the_others(tenant_a, tenant_b, make_tenant, caplog):
    tenant_c = make_tenant("initech", "Initech")

    def work(tenant):
        assert get_current_tenant() == tenant
        InvitationFactory(email=f"swept@{tenant.slug}.test")
        if tenant == tenant_b:
            raise RuntimeError("this company's data is broken")

    report = for_each_active_tenant("Test sweep", work)

    assert report.failed == ["globex"]
    assert sorted(report.done) == ["acme", "initech"]
    for tenant, kept in ((tenant_a, True), (tenant_b, False), (tenant_c, True)):
        with tenant_context(tenant):
            assert Invitation.objects.filter(email=f"swept@{tenant.slug}.test").exists() is kept
    assert "Test sweep failed for company globex" in caplog.text
    (report_mail,) = [m for m in mail.outbox if "Test sweep" in m.subject]
    assert report_mail.to == ["ops@platform.test"]
    assert "globex" in report_mail.body


def test_suspended_companies_are_skipped(tenant_a, tenant_b, platform_admin):
    from tenants import services

    services.tenant_suspend(tenant=tenant_b, reason="unpaid", by=platform_admin)
    seen = []

    report = for_each_active_tenant("Test sweep", lambda tenant: seen.append(tenant.slug))

    assert seen == ["acme"] and report.failed == []


def test_the_sla_sweep_goes_on_past_a_failing_company(tenant_a, tenant_b, monkeypatch):
    from modules.approvals import services
    from modules.approvals.tasks import sweep_approval_deadlines

    swept = []

    def sweep():
        swept.append(get_current_tenant().slug)
        if get_current_tenant() == tenant_a:
            raise RuntimeError("boom")

    monkeypatch.setattr(services, "sla_sweep", sweep)
    sweep_approval_deadlines.call_local()

    assert sorted(swept) == ["acme", "globex"]


def test_work_of_a_period_runs_once_per_company(tenant_a, tenant_b):
    seen = []

    first = for_each_active_tenant("Daily", lambda t: seen.append(t.slug), period="2026-12-01")
    again = for_each_active_tenant("Daily", lambda t: seen.append(t.slug), period="2026-12-01")
    next_day = for_each_active_tenant("Daily", lambda t: seen.append(t.slug), period="2026-12-02")

    assert sorted(first.done) == ["acme", "globex"]
    assert again.done == [] and sorted(again.skipped) == ["acme", "globex"]
    assert sorted(next_day.done) == ["acme", "globex"]
    assert seen.count("acme") == 2 and seen.count("globex") == 2


def test_a_company_that_failed_its_period_runs_it_at_the_next_tick(tenant_a, tenant_b):
    """Catch-up: the failed company's run is rolled back with its record, so the
    next tick of the schedule runs it again, and the others are not repeated."""
    seen = []

    def flaky(tenant):
        seen.append(tenant.slug)
        if tenant == tenant_b and seen.count("globex") == 1:
            raise RuntimeError("database hiccup")

    first = for_each_active_tenant("Daily", flaky, period="2026-12-01")
    second = for_each_active_tenant("Daily", flaky, period="2026-12-01")

    assert first.failed == ["globex"]
    assert second.done == ["globex"] and second.skipped == ["acme"]
    assert seen == ["acme", "globex", "globex"]


def test_periods_are_recorded_per_company_under_row_level_security(tenant_a, tenant_b):
    from opsplatform.models import SweepRun

    for_each_active_tenant("Daily", lambda t: None, period="2026-12-01")

    with tenant_context(tenant_a):
        assert list(SweepRun.objects.values_list("name", "period")) == [("Daily", "2026-12-01")]


def test_work_that_starts_late_in_its_period_claims_it_when_it_runs(tenant_a, tenant_b):
    from opsplatform.tenancy.sweeps import claim_period

    morning = {"acme": False, "globex": True}
    seen = []

    def work(tenant):
        if not morning[tenant.slug]:
            return  # too early here: the day is not spent
        claim_period(tenant, "Morning", "2026-12-01")
        seen.append(tenant.slug)

    early = for_each_active_tenant("Morning", work)
    morning["acme"] = True
    later = for_each_active_tenant("Morning", work)

    assert sorted(early.done) == ["acme", "globex"] and seen[:1] == ["globex"]
    assert later.done == ["acme"] and later.skipped == ["globex"]
    assert seen == ["globex", "acme"]


def test_a_failed_run_gives_its_claim_back(tenant_a):
    from opsplatform.tenancy.sweeps import claim_period

    def failing(tenant):
        claim_period(tenant, "Morning", "2026-12-01")
        raise RuntimeError("boom")

    assert for_each_active_tenant("Morning", failing).failed == ["acme"]
    again = for_each_active_tenant("Morning", lambda t: claim_period(t, "Morning", "2026-12-01"))
    assert again.done == ["acme"]
