"""Every write of plans and subscriptions that is not a webhook's."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from opsplatform.billing.entitlements import forget
from opsplatform.billing.models import Plan, Subscription

PLAN_FIELDS = (
    "name",
    "tier",
    "currency",
    "monthly_amount",
    "yearly_amount",
    "stripe_monthly_price",
    "stripe_yearly_price",
    "trial_days",
    "features",
    "limits",
    "is_public",
)


@transaction.atomic
def plans_load(definitions: list[dict]) -> list[Plan]:
    """Create or update each plan by its code; a plan left out of the file stays."""
    loaded = []
    for item in definitions:
        plan = Plan.objects.filter(code=item["code"]).first() or Plan(code=item["code"])
        for name in PLAN_FIELDS:
            if name in item:
                setattr(plan, name, item[name])
        plan.full_clean()
        plan.save()
        loaded.append(plan)
    return loaded


@transaction.atomic
def subscription_assign(
    *,
    tenant,
    plan: Plan,
    status: str = Subscription.Status.ACTIVE,
    interval: str = Subscription.Interval.MONTH,
    trial_days: int | None = None,
    by=None,
) -> Subscription:
    """Put ``tenant`` on ``plan`` by hand (platform staff, sign-up, the demo)."""
    subscription = Subscription.objects.select_for_update().filter(
        tenant=tenant
    ).first() or Subscription(tenant=tenant, plan=plan)
    subscription.plan = plan
    subscription.status = status
    subscription.interval = interval
    if status == Subscription.Status.TRIALING:
        days = plan.trial_days if trial_days is None else trial_days
        subscription.trial_ends_at = timezone.now() + timedelta(days=days)
    if status != Subscription.Status.PAST_DUE:
        subscription.grace_until = None
    subscription.full_clean()
    subscription.save()
    forget(tenant)
    return subscription
