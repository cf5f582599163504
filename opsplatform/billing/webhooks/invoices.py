"""invoice.paid / invoice.payment_failed / invoice.upcoming."""

from __future__ import annotations

from decimal import Decimal

from opsplatform.billing.models import Subscription
from opsplatform.billing.stripe_api import amount
from opsplatform.billing.webhooks import sync
from opsplatform.billing.webhooks.registry import handles

Status = Subscription.Status


def _tenant(invoice: dict):
    return sync.tenant_for(
        subscription=sync.invoice_subscription(invoice),
        customer=sync.ref_id(invoice.get("customer")),
    )


def _reason(event) -> str:
    return f"Stripe {event.type} {event.stripe_id}"


@handles("invoice.paid")
def invoice_paid(event):
    """Keep the invoice (PDF, hosted page); the company is paid up: active, the
    grace period cleared, read-only lifted. A trial's free first invoice leaves
    the trial as it is, and a cancelled subscription stays cancelled."""
    invoice = event.payload["data"]["object"]
    tenant = _tenant(invoice)
    sync.upsert_invoice(tenant, invoice)
    row = sync.locked(tenant)
    if not sync.bills_current(row, invoice) or sync.is_stale(row, event.created):
        return tenant
    paid = amount(invoice.get("amount_paid"), invoice.get("currency")) > Decimal("0")
    if row.status in (Status.PAST_DUE, Status.INCOMPLETE) or (
        row.status == Status.TRIALING and paid
    ):
        row.status = Status.ACTIVE
    row.grace_until = None
    sync.mark_synced(row, event.created)
    sync.save_row(row, _reason(event))
    return tenant


@handles("invoice.payment_failed")
def invoice_payment_failed(event):
    """Keep the invoice; the company is past due with a grace period of
    ``BILLING_GRACE_DAYS`` from the failure (one already running is kept: Stripe's
    retries do not lengthen it and staff's extension is not cut short); the
    owners are told in-app and by email how to pay."""
    from opsplatform.billing.notifications import tell_owners_payment_failed

    invoice = event.payload["data"]["object"]
    tenant = _tenant(invoice)
    found = sync.upsert_invoice(tenant, invoice)
    row = sync.locked(tenant)
    if not sync.bills_current(row, invoice) or sync.is_stale(row, event.created):
        return tenant
    if row.status == Status.CANCELLED:
        return tenant
    row.status = Status.PAST_DUE
    row.grace_until = row.grace_until or sync.grace_end(event.created)
    sync.mark_synced(row, event.created)
    sync.save_row(row, _reason(event))
    tell_owners_payment_failed(tenant, row, found)
    return tenant


@handles("invoice.upcoming")
def invoice_upcoming(event):
    """The next invoice's amount, shown on the billing page; nothing else."""
    invoice = event.payload["data"]["object"]
    tenant = _tenant(invoice)
    row = sync.locked(tenant)
    if not sync.bills_current(row, invoice):
        return tenant
    row.next_amount = amount(invoice.get("amount_due"), invoice.get("currency"))
    sync.save_row(row, _reason(event))
    return tenant
