"""What the owner's billing page shows, read in a fixed handful of queries."""

from __future__ import annotations

from dataclasses import dataclass

from opsplatform.billing.entitlements import entitlement
from opsplatform.billing.models import Invoice, Plan, Subscription
from opsplatform.billing.selectors import subscription_of
from opsplatform.contract.registry import (
    installed_modules,
    limit_usage,
    module_needs,
    plan_features,
)

INVOICES_SHOWN = 24
NEAR = 80  # percent of a cap from which a meter warns


@dataclass(frozen=True)
class Meter:
    code: str
    label: str
    used: int
    cap: int | None  # None: unlimited
    locked: bool  # the module this limit belongs to is not in the plan

    @property
    def percent(self) -> int:
        if self.cap is None or self.locked:
            return 0
        if self.cap == 0:
            return 100 if self.used else 0
        return min(100, round(self.used * 100 / self.cap))

    @property
    def over(self) -> bool:
        return self.cap is not None and not self.locked and self.used > self.cap

    @property
    def full(self) -> bool:
        return self.cap is not None and not self.locked and self.used >= self.cap

    @property
    def near(self) -> bool:
        return self.cap is not None and not self.full and self.percent >= NEAR


@dataclass(frozen=True)
class FeatureRow:
    code: str
    label: str
    included: bool
    offered_in: Plan | None  # the lowest higher tier that adds it


def _limit_needs() -> dict[str, tuple[str, ...]]:
    """Each limit's module's needs (``registry.module_needs``): a limit of a locked
    module, or of one whose required module is locked, reads as locked."""
    return {
        limit.code: module_needs(module)
        for module in installed_modules()
        for limit in module.limits
    }


def meters(tenant, plan: Plan | None) -> list[Meter]:
    from opsplatform.contract.registry import plan_limits

    used = limit_usage(tenant)
    needs = _limit_needs()
    found = []
    for limit in plan_limits():
        locked = plan is not None and not all(map(plan.has_feature, needs.get(limit.code, ())))
        found.append(
            Meter(
                code=limit.code,
                label=limit.label,
                used=used.get(limit.code, 0),
                cap=None if plan is None else plan.cap(limit.code),
                locked=locked,
            )
        )
    return found


def feature_rows(plan: Plan | None, offered: list[Plan]) -> list[FeatureRow]:
    rows = []
    tier = plan.tier if plan is not None else 0
    for feature in plan_features():
        included = plan is None or plan.has_feature(feature.code)
        offered_in = None
        if not included:
            offered_in = next(
                (p for p in offered if p.tier > tier and p.has_feature(feature.code)), None
            )
        rows.append(FeatureRow(feature.code, feature.label, included, offered_in))
    return rows


def _feature_labels(plan: Plan) -> str:
    return ", ".join(str(f.label) for f in plan_features() if plan.has_feature(f.code))


def _https(url: str) -> str:
    # Invoice links come from Stripe's payloads: only an https address is a link.
    return url if (url or "").startswith("https://") else ""


def invoices_of(tenant) -> list[dict]:
    rows = Invoice.objects.filter(tenant_id=tenant.pk).order_by("-created_at")[:INVOICES_SHOWN]
    return [
        {"invoice": invoice, "pdf": _https(invoice.pdf_url), "page": _https(invoice.hosted_url)}
        for invoice in rows
    ]


def price_of(plan: Plan, interval: str):
    return plan.yearly_amount if interval == Subscription.Interval.YEAR else plan.monthly_amount


def billing_summary(tenant) -> dict:
    subscription = subscription_of(tenant)
    plan = subscription.plan if subscription else entitlement(tenant).plan
    offered = list(Plan.objects.filter(is_public=True).order_by("tier", "code"))
    interval = subscription.interval if subscription else Subscription.Interval.MONTH
    return {
        "subscription": subscription,
        "plan": plan,
        "price": price_of(plan, interval) if plan is not None else None,
        "interval": interval,
        "read_only": subscription.is_read_only() if subscription else False,
        "meters": meters(tenant, plan),
        "features": feature_rows(plan, offered),
        "offered": [(p, _feature_labels(p)) for p in offered],
        "invoices": invoices_of(tenant),
    }
