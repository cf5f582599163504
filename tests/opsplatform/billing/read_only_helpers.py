"""A company made read-only (past due, its grace period over), and paying."""

from __future__ import annotations

from datetime import datetime

from opsplatform.billing.models import Plan, Subscription
from opsplatform.billing.services import subscription_assign
from opsplatform.contract.registry import plan_features


def _plan() -> Plan:
    plan, _created = Plan.objects.get_or_create(
        code="everything",
        defaults={
            "name": "Everything",
            "tier": 1,
            "features": sorted({f.code for f in plan_features()}),
        },
    )
    return plan


def make_read_only(tenant, *, since: datetime) -> Subscription:
    """``tenant`` past due, its grace period ended at ``since``: read-only from then."""
    subscription = subscription_assign(
        tenant=tenant, plan=_plan(), status=Subscription.Status.PAST_DUE
    )
    Subscription.objects.filter(pk=subscription.pk).update(grace_until=since)
    tenant.__dict__.pop("_billing_entitlement", None)
    return subscription


def pay(tenant) -> Subscription:
    """The invoice paid: active again (as ``invoice.paid`` leaves it)."""
    return subscription_assign(tenant=tenant, plan=_plan(), status=Subscription.Status.ACTIVE)
