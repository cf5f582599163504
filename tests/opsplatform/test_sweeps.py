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
