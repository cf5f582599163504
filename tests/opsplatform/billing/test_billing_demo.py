"""`make demo`'s plans: Acme on Enterprise, Globex on Starter with a module locked
and its limits at and near the cap, Initech in a Growth trial ending in three days."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from opsplatform.billing.entitlements import feature_enabled, forget
from opsplatform.billing.models import Plan, Subscription
from opsplatform.contract.registry import limit_usage
from tenants.models import Tenant

pytestmark = pytest.mark.django_db


def test_the_demo_puts_each_company_on_its_tier_and_stays_put():
    call_command("seed_demo", stdout=StringIO())
    assert set(Plan.objects.values_list("code", flat=True)) == {"starter", "growth", "enterprise"}
    by_slug = {s.tenant.slug: s for s in Subscription.objects.select_related("tenant", "plan")}
    assert (by_slug["acme"].plan.code, by_slug["acme"].status) == ("enterprise", "active")
    assert (by_slug["globex"].plan.code, by_slug["globex"].status) == ("starter", "active")
    trial = by_slug["initech"]
    assert (trial.plan.code, trial.status) == ("growth", "trialing")
    left = trial.trial_ends_at - timezone.now()
    assert timedelta(days=2, hours=23) < left <= timedelta(days=3)

    globex = Tenant.objects.get(slug="globex")
    forget(globex)
    assert not feature_enabled(globex, "projects")
    assert feature_enabled(globex, "leave")
    starter = by_slug["globex"].plan
    used = limit_usage(globex)
    # Employees at the cap (a new one is refused), seats one short of it.
    assert used["employees.employees"] == starter.cap("employees.employees") == 25
    assert used["tenants.members"] == starter.cap("tenants.members") - 1

    call_command("seed_demo", stdout=StringIO())
    again = Subscription.objects.get(tenant__slug="initech")
    assert again.trial_ends_at == trial.trial_ends_at  # the trial does not restart
    assert Subscription.objects.count() == 3
