"""Reads of plans and subscriptions."""

from __future__ import annotations

from django.conf import settings

from opsplatform.billing.models import Plan, Subscription
from opsplatform.contract.registry import feature_needs, plan_limits


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


def plan_with_features(codes) -> Plan | None:
    """The lowest offered plan that includes every feature of ``codes``."""
    codes = list(codes)
    for plan in Plan.objects.filter(is_public=True).order_by("tier"):
        if all(plan.has_feature(code) for code in codes):
            return plan
    return None


def plan_with_feature(code: str, *, also=()) -> Plan | None:
    """The lowest offered plan with which feature ``code`` works: it includes ``code``
    and all it needs (``registry.feature_needs``: the features of the module
    declaring it and of the modules that one requires), and any codes in ``also``."""
    return plan_with_features(dict.fromkeys((*feature_needs(code), *also)))


def limit_label(code: str):
    return next((limit.label for limit in plan_limits() if limit.code == code), code)
