"""customer.subscription.created / updated / deleted / trial_will_end."""

from __future__ import annotations

from opsplatform.billing.webhooks import sync
from opsplatform.billing.webhooks.registry import handles


def _tenant(stripe_subscription: dict):
    return sync.tenant_for(
        metadata=stripe_subscription.get("metadata"),
        subscription=stripe_subscription.get("id") or "",
        customer=sync.ref_id(stripe_subscription.get("customer")),
    )


def _apply(event, *, deleted: bool = False):
    stripe_subscription = event.payload["data"]["object"]
    tenant = _tenant(stripe_subscription)
    row = sync.apply_subscription(
        tenant,
        stripe_subscription,
        created=event.created,
        deleted=deleted,
        reason=f"Stripe {event.type} {event.stripe_id}",
    )
    return tenant, row


@handles("customer.subscription.created", "customer.subscription.updated")
def subscription_changed(event):
    """Status (canceled → cancelled, unpaid → past due, ...), plan and interval from
    the price, period end, cancel at period end and trial end."""
    tenant, _row = _apply(event)
    return tenant


@handles("customer.subscription.deleted")
def subscription_deleted(event):
    """The subscription ended: cancelled, and no older update revives it."""
    tenant, _row = _apply(event, deleted=True)
    return tenant


@handles("customer.subscription.trial_will_end")
def trial_will_end(event):
    """Three days before a trial ends: the state as above, and the owners are told."""
    from opsplatform.billing.notifications import tell_owners_trial_ends

    tenant, row = _apply(event)
    if row is not None and row.trial_ends_at is not None:
        tell_owners_trial_ends(tenant, row)
    return tenant
