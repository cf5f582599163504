"""The landlord billing overview's figures, in a fixed number of queries however
many companies, plans or events there are."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count
from django.utils import timezone

from opsplatform.billing.models import Plan, Subscription, WebhookEvent
from tenants.models import Tenant

FAILED_EVENTS_SHOWN = 20
CENT = Decimal("0.01")


@dataclass
class PlanRow:
    plan: Plan
    by_status: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.by_status.values())


def monthly_value(plan: Plan, interval: str) -> Decimal:
    """What one subscription brings in a month: the monthly price, or a twelfth of the yearly."""
    if interval == Subscription.Interval.YEAR:
        return plan.yearly_amount / 12
    return plan.monthly_amount


def overview(now=None) -> dict:
    now = now or timezone.now()
    plans = {plan.pk: plan for plan in Plan.objects.order_by("tier", "code")}
    rows = {pk: PlanRow(plan) for pk, plan in plans.items()}
    mrr: dict[str, Decimal] = defaultdict(Decimal)
    groups = Subscription.objects.values("plan_id", "status", "interval").annotate(n=Count("id"))
    for group in groups:
        row = rows[group["plan_id"]]
        row.by_status[group["status"]] = row.by_status.get(group["status"], 0) + group["n"]
        if group["status"] == Subscription.Status.ACTIVE:
            plan = row.plan
            mrr[plan.currency] += monthly_value(plan, group["interval"]) * group["n"]
    week_end = now + timedelta(days=7)
    trials = list(
        Subscription.objects.filter(
            status=Subscription.Status.TRIALING, trial_ends_at__gte=now, trial_ends_at__lt=week_end
        )
        .select_related("tenant", "plan")
        .order_by("trial_ends_at", "pk")
    )
    past_due = list(
        Subscription.objects.filter(status=Subscription.Status.PAST_DUE)
        .select_related("tenant", "plan")
        .order_by("grace_until", "pk")
    )
    failed = WebhookEvent.objects.filter(status=WebhookEvent.Status.FAILED)
    failed_shown = list(
        failed.select_related("tenant").order_by("-received_at")[:FAILED_EVENTS_SHOWN]
    )
    failed_count = len(failed_shown) if len(failed_shown) < FAILED_EVENTS_SHOWN else failed.count()
    return {
        "plan_rows": list(rows.values()),
        "statuses": Subscription.Status.choices,
        "without_plan": Tenant.objects.filter(subscription__isnull=True).count(),
        "mrr": {c: v.quantize(CENT, rounding=ROUND_HALF_UP) for c, v in sorted(mrr.items())},
        "trials": trials,
        "past_due": [(s, s.is_read_only(now)) for s in past_due],
        "failed_events": failed_shown,
        "failed_count": failed_count,
        "now": now,
    }
