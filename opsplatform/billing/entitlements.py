"""What a company's plan lets it reach: features, limits and read-only mode.

Every module is gated through these few functions; none of them names a module.
A company without a subscription row (one made before billing, or in a test
that never asked for a plan) is on ``settings.BILLING_DEFAULT_PLAN`` when that
plan exists, and otherwise has everything (so a fresh database without plans
still works; ``load_plans`` brings them).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from opsplatform.refusals import Refused


@dataclass(frozen=True)
class Entitlement:
    """A company's plan as the gating reads it, once per request."""

    plan: object | None  # billing.Plan, or None: everything
    read_only: bool

    def has_feature(self, code: str) -> bool:
        return self.plan is None or self.plan.has_feature(code)

    def cap(self, code: str) -> int | None:
        return None if self.plan is None else self.plan.cap(code)


def entitlement(tenant) -> Entitlement:
    """The plan and mode of ``tenant`` (memoised on the tenant object)."""
    cached = getattr(tenant, "_billing_entitlement", None)
    if cached is not None:
        return cached
    from opsplatform.billing.selectors import subscription_of

    subscription = subscription_of(tenant)
    if subscription is None:
        from opsplatform.billing.selectors import default_plan

        found = Entitlement(plan=default_plan(), read_only=False)
    else:
        found = Entitlement(plan=subscription.plan, read_only=subscription.is_read_only())
    tenant._billing_entitlement = found
    return found


def forget(tenant) -> None:
    """Drop the memoised entitlement (after a plan or status change)."""
    tenant.__dict__.pop("_billing_entitlement", None)


def feature_enabled(tenant, code: str) -> bool:
    return tenant is None or entitlement(tenant).has_feature(code)


def is_read_only(tenant) -> bool:
    return tenant is not None and entitlement(tenant).read_only


class LimitReached(Refused):
    """A create, an invitation or an import that would pass a plan's limit."""


class ReadOnly(Refused):
    """A write while the company is read-only for an unpaid invoice."""


def check_capacity(tenant, code: str, adding: int = 1) -> None:
    """Refuse, as a whole, ``adding`` more of limit ``code`` past the plan's cap.

    The one limit check every create path calls (docs/billing.md, "Limits").
    """
    cap = entitlement(tenant).cap(code)
    if cap is None or adding <= 0:
        return
    from opsplatform.billing.usage import usage_of

    used = usage_of(tenant, code)
    if used + adding > cap:
        from opsplatform.billing.selectors import limit_label, plan_lifting

        lifting = plan_lifting(code, used + adding)
        raise LimitReached(limit_message(limit_label(code), cap, used, adding, lifting))


def limit_message(label, cap: int, used: int, adding: int, lifting) -> str:
    if lifting is None:
        return _(
            "Your plan allows %(cap)s %(limit)s and %(used)s are in use; adding %(adding)s "
            "would pass it. Contact us to raise the limit."
        ) % {"cap": cap, "limit": label, "used": used, "adding": adding}
    return _(
        "Your plan allows %(cap)s %(limit)s and %(used)s are in use; adding %(adding)s "
        "would pass it. The %(plan)s plan allows more: upgrade on the billing page."
    ) % {"cap": cap, "limit": label, "used": used, "adding": adding, "plan": lifting.name}
