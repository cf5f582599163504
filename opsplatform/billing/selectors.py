"""Reads of plans and subscriptions."""

from __future__ import annotations

from django.conf import settings

from opsplatform.billing.models import Plan, Subscription
from opsplatform.contract.registry import plan_limits


def subscription_of(tenant) -> Subscription | None:
    return Subscription.objects.select_related("plan").filter(tenant_id=tenant.pk).first()


def default_plan() -> Plan | None:
    code = getattr(settings, "BILLING_DEFAULT_PLAN", "")
    return Plan.objects.filter(code=code).first() if code else None


def plans() -> list[Plan]:
    return list(Plan.objects.order_by("tier", "code"))


def plan_lifting(code: str, needed: int) -> Plan | None:
    """The lowest offered plan whose cap on ``code`` admits ``needed``."""
    for plan in Plan.objects.filter(is_public=True).order_by("tier"):
        cap = plan.cap(code)
        if cap is None or cap >= needed:
            return plan
    return None


def plan_with_feature(code: str) -> Plan | None:
    """The lowest offered plan that includes feature ``code``."""
    for plan in Plan.objects.filter(is_public=True).order_by("tier"):
        if plan.has_feature(code):
            return plan
    return None


def limit_label(code: str):
    return next((limit.label for limit in plan_limits() if limit.code == code), code)
