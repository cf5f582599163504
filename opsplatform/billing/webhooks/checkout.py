"""checkout.session.completed: a company paid through Stripe Checkout."""

from __future__ import annotations

from opsplatform.billing.webhooks import sync
from opsplatform.billing.webhooks.registry import handles


@handles("checkout.session.completed")
def checkout_completed(event):
    """Link the Stripe customer and subscription to the company named by the
    session (``client_reference_id``, else its metadata). The subscription's own
    events bring its status and plan."""
    session = event.payload["data"]["object"]
    metadata = session.get("metadata") or {}
    tenant = sync.tenant_for(
        reference=session.get("client_reference_id") or "",
        metadata=metadata,
        customer=sync.ref_id(session.get("customer")),
    )
    if session.get("mode") != "subscription":
        return tenant  # a one-off payment: nothing of the subscription changes
    sync.link_checkout(
        tenant,
        customer=sync.ref_id(session.get("customer")),
        subscription=sync.ref_id(session.get("subscription")),
        plan_code=metadata.get("plan", ""),
        reason=f"Stripe {event.type} {event.stripe_id}",
    )
    return tenant
