"""The demo's plans (``make demo``): the three tiers from fixtures/plans.json, and
each demo company on one of them (docs/billing.md, "Billing page and landlord overview").

Run by ``seed_demo`` after every module's demo data, so a plan's limits never
refuse the demo's own rows (a downgrade keeps data; only new creates are
stopped). Idempotent: a company already on its demo plan and status is left as
it is, so its trial does not start again on every run.
"""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

from django.core.management import call_command
from django.utils import timezone

from opsplatform.billing.models import Plan, Subscription
from opsplatform.billing.selectors import subscription_of
from opsplatform.billing.services import subscription_assign, subscription_set_renewal

# company slug → (plan code, status, trial days). Globex on Starter shows a locked
# module and its limits at and near the cap; the third company's trial ends soon.
DEMO_PLANS = {
    "acme": ("enterprise", Subscription.Status.ACTIVE, None),
    "globex": ("starter", Subscription.Status.ACTIVE, None),
    "initech": ("growth", Subscription.Status.TRIALING, 3),
}


def seed(*, tenants, stdout=None) -> None:
    call_command("load_plans", stdout=stdout or StringIO())
    plans = {plan.code: plan for plan in Plan.objects.all()}
    for tenant in tenants:
        wanted = DEMO_PLANS.get(tenant.slug)
        if wanted is None or wanted[0] not in plans:
            continue
        code, status, trial_days = wanted
        plan = plans[code]
        current = subscription_of(tenant)
        if current is not None and current.plan_id == plan.pk and current.status == status:
            continue
        subscription = subscription_assign(
            tenant=tenant, plan=plan, status=status, trial_days=trial_days
        )
        if status == Subscription.Status.ACTIVE:
            subscription_set_renewal(
                subscription=subscription,
                renews_at=timezone.now() + timedelta(days=30),
                next_amount=plan.monthly_amount,
            )
        if stdout is not None:
            stdout.write(f"  {tenant.name}: {plan.name} ({subscription.get_status_display()})")
