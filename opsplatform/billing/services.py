"""Every write of plans and subscriptions that is not a webhook's."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from opsplatform.audit import with_reason
from opsplatform.billing.entitlements import forget
from opsplatform.billing.models import Plan, Subscription
from opsplatform.refusals import Refused

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


# -- platform staff's hand changes (landlord admin) and the demo ------------------------

GRACE_EXTENSION_MAX_DAYS = 90


@transaction.atomic
def subscription_extend_grace(*, subscription: Subscription, days: int, by=None) -> Subscription:
    """Give a past-due company ``days`` more before it becomes read-only.

    Counted from the later of now and the current grace end, so extending a
    grace that already ran out gives the full ``days`` from today (and lifts
    read-only mode at once). The history row names who and by how much.
    """
    if not 1 <= int(days) <= GRACE_EXTENSION_MAX_DAYS:
        raise Refused(
            _("Extend the grace period by 1 to %(max)s days.") % {"max": GRACE_EXTENSION_MAX_DAYS},
            field="days",
        )
    locked = (
        Subscription.objects.select_for_update().select_related("tenant").get(pk=subscription.pk)
    )
    if locked.status != Subscription.Status.PAST_DUE:
        raise Refused(
            _("%(company)s is not past due: there is no grace period to extend.")
            % {"company": locked.tenant.name}
        )
    now = timezone.now()
    start = max(locked.grace_until or now, now)
    locked.grace_until = start + timedelta(days=int(days))
    if by is not None:
        locked._history_user = by
    locked.full_clean()
    with with_reason(locked, f"Grace period extended by {int(days)} days"):
        locked.save()
    forget(locked.tenant)
    subscription.grace_until = locked.grace_until
    return locked


@transaction.atomic
def subscription_change_by_hand(
    *,
    subscription: Subscription,
    plan: Plan,
    interval: str,
    status: str,
    trial_ends_at=None,
    current_period_end=None,
    by=None,
) -> Subscription:
    """Platform staff move a company's subscription (the landlord admin's change form).

    Moving into past due starts the grace period (``BILLING_GRACE_DAYS``) unless
    one is running; leaving it ends the grace. With Stripe keys, Stripe's next
    event or the reconcile overwrites what Stripe manages.
    """
    from django.conf import settings

    locked = Subscription.objects.select_for_update().get(pk=subscription.pk)
    locked.plan = plan
    locked.interval = interval
    locked.status = status
    locked.trial_ends_at = trial_ends_at
    locked.current_period_end = current_period_end
    if status == Subscription.Status.PAST_DUE:
        if locked.grace_until is None:
            locked.grace_until = timezone.now() + timedelta(days=settings.BILLING_GRACE_DAYS)
    else:
        locked.grace_until = None
    if by is not None:
        locked._history_user = by
    locked.full_clean()
    with with_reason(locked, "Changed by platform staff"):
        locked.save()
    forget(locked.tenant)
    return locked


@transaction.atomic
def subscription_set_renewal(*, subscription: Subscription, renews_at, next_amount) -> None:
    """The renewal date and next amount a page shows (the demo's, without Stripe)."""
    Subscription.objects.filter(pk=subscription.pk).update(
        current_period_end=renews_at, next_amount=next_amount
    )
    subscription.current_period_end = renews_at
    subscription.next_amount = next_amount
