"""Applying Stripe's objects to the local rows, whatever order they come in.

Ordering: each event carries Stripe's ``created`` time. A subscription-state
change (status, plan, period, grace) older than the row's ``stripe_synced_at``
is skipped, so a late event never rolls the state back; an equal one applies
(Stripe stamps whole seconds, and events of one second come in any order).
A subscription Stripe has cancelled stays cancelled: cancellation is final at
Stripe, so an update for the same subscription cannot revive it, even one of
the same second. Answers of the API (a plan change, the reconcile) are
Stripe's present state: they apply without moving ``stripe_synced_at``, so the
events that follow them still apply.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q

from opsplatform.audit import with_reason
from opsplatform.billing.entitlements import forget
from opsplatform.billing.models import Invoice, Plan, Subscription
from opsplatform.billing.stripe_api import amount, moment

Status = Subscription.Status

# Stripe's subscription statuses, as ours.
STATUSES = {
    "trialing": Status.TRIALING,
    "active": Status.ACTIVE,
    "past_due": Status.PAST_DUE,
    "unpaid": Status.PAST_DUE,  # retries exhausted: still owed, the grace runs on
    "paused": Status.PAST_DUE,  # a trial ended without a card: payment is missing
    "incomplete": Status.INCOMPLETE,
    "incomplete_expired": Status.CANCELLED,
    "canceled": Status.CANCELLED,
}


class NoCompany(Exception):
    """An event about a customer or subscription no company has (yet)."""


class UnknownPrice(Exception):
    """A Stripe price that no plan carries: platform staff fix the plan, then retry."""


def ref_id(value) -> str:
    """A Stripe reference, expanded (a dict) or not (its id)."""
    if isinstance(value, dict):
        return value.get("id") or ""
    return value or ""


def tenant_for(*, reference="", metadata=None, subscription="", customer=""):
    """The company an object is about: the id we gave Stripe, else the rows we linked."""
    from tenants.models import Tenant

    named = reference or (metadata or {}).get("tenant_id") or ""
    if str(named).isdigit():
        found = Tenant.objects.filter(pk=int(named)).first()
        if found is not None:
            return found
    for field, value in (("stripe_subscription", subscription), ("stripe_customer", customer)):
        if value:
            row = Subscription.objects.select_related("tenant").filter(**{field: value}).first()
            if row is not None:
                return row.tenant
    raise NoCompany(
        f"No company for Stripe customer {customer or '-'} / subscription {subscription or '-'}"
    )


def locked(tenant) -> Subscription | None:
    return Subscription.objects.select_for_update().filter(tenant_id=tenant.pk).first()


def is_stale(row: Subscription, created: datetime | None) -> bool:
    return (
        created is not None and row.stripe_synced_at is not None and created < row.stripe_synced_at
    )


def mark_synced(row: Subscription, created: datetime | None) -> None:
    if created is not None and (row.stripe_synced_at is None or created > row.stripe_synced_at):
        row.stripe_synced_at = created


def save_row(row: Subscription, reason: str) -> Subscription:
    row.full_clean()
    with with_reason(row, reason):
        row.save()
    forget(row.tenant)
    return row


def grace_end(since: datetime | None) -> datetime:
    from django.utils import timezone

    return (since or timezone.now()) + timedelta(days=settings.BILLING_GRACE_DAYS)


# -- subscriptions --------------------------------------------------------------------


def _item(stripe_subscription: dict) -> dict:
    data = (stripe_subscription.get("items") or {}).get("data") or []
    return data[0] if data else {}


def plan_of(stripe_subscription: dict) -> tuple[Plan, str]:
    """The plan and interval of the subscription's price."""
    price = _item(stripe_subscription).get("price")
    price_id = ref_id(price)
    plan = Plan.objects.filter(
        Q(stripe_monthly_price=price_id) | Q(stripe_yearly_price=price_id)
    ).first()
    if not price_id or plan is None:
        raise UnknownPrice(f"No plan has the Stripe price {price_id or '(none)'}")
    if plan.stripe_yearly_price == price_id:
        return plan, Subscription.Interval.YEAR
    return plan, Subscription.Interval.MONTH


def apply_subscription(
    tenant, stripe_subscription: dict, *, created=None, reason: str, deleted: bool = False
) -> Subscription | None:
    """Bring ``tenant``'s row in step with a Stripe subscription object.

    ``created`` is the event's time (None: an API answer, Stripe's present state).
    Returns the row, or None when the object was skipped (older than the row, or
    about a subscription that is no longer the company's).
    """
    stripe_id = stripe_subscription.get("id") or ""
    status = Status.CANCELLED if deleted else STATUSES.get(stripe_subscription.get("status"))
    if status is None:
        raise ValueError(f"Unknown Stripe subscription status {stripe_subscription.get('status')}")
    row = locked(tenant)
    if row is not None:
        if is_stale(row, created):
            return None
        if row.stripe_subscription and row.stripe_subscription != stripe_id:
            # Another subscription than the company's: the end of an old one must not
            # end the current one; a live new one (a fresh checkout) replaces it.
            if status == Status.CANCELLED:
                return None
        elif (
            row.stripe_subscription == stripe_id
            and row.status == Status.CANCELLED
            and row.stripe_synced_at is not None
            and status != Status.CANCELLED
        ):
            return None  # cancelled at Stripe is final: nothing revives it
    plan, interval = plan_of(stripe_subscription)
    if row is None:
        row = Subscription(tenant=tenant, plan=plan)
    row.tenant = tenant
    row.plan = plan
    row.interval = interval
    row.status = status
    row.stripe_subscription = stripe_id
    row.stripe_customer = ref_id(stripe_subscription.get("customer")) or row.stripe_customer
    period_end = stripe_subscription.get("current_period_end") or _item(stripe_subscription).get(
        "current_period_end"
    )
    row.current_period_end = moment(period_end) or row.current_period_end
    if stripe_subscription.get("trial_end"):
        row.trial_ends_at = moment(stripe_subscription["trial_end"])
    row.cancel_at_period_end = bool(stripe_subscription.get("cancel_at_period_end")) and (
        status != Status.CANCELLED
    )
    if status == Status.PAST_DUE:
        row.grace_until = row.grace_until or grace_end(created)
    else:
        row.grace_until = None
    mark_synced(row, created)
    return save_row(row, reason)


def link_checkout(tenant, *, customer: str, subscription: str, plan_code: str, reason: str):
    """Remember the customer and subscription a completed Checkout made for ``tenant``."""
    row = locked(tenant)
    if row is None:
        plan = Plan.objects.filter(code=plan_code).first()
        if plan is None:
            raise UnknownPrice(f"Checkout for unknown plan {plan_code or '(none)'}")
        row = Subscription(tenant=tenant, plan=plan, status=Status.INCOMPLETE)
    if customer:
        row.stripe_customer = customer
    if subscription and subscription != row.stripe_subscription:
        if row.status == Status.CANCELLED:
            # The new subscription's own events say where it stands; until then the
            # old one's cancellation must not be read as this one's.
            row.status = Status.INCOMPLETE
        row.stripe_subscription = subscription
    return save_row(row, reason)


# -- invoices ---------------------------------------------------------------------------


def invoice_subscription(invoice: dict) -> str:
    """The subscription an invoice bills (where the API version puts it)."""
    details = (invoice.get("parent") or {}).get("subscription_details") or {}
    return ref_id(invoice.get("subscription")) or ref_id(details.get("subscription"))


def upsert_invoice(tenant, invoice: dict) -> Invoice:
    currency = invoice.get("currency") or "usd"
    values = {
        "tenant": tenant,
        "number": invoice.get("number") or "",
        "status": invoice.get("status") or "",
        "currency": currency.upper(),
        "amount_due": amount(invoice.get("amount_due"), currency),
        "amount_paid": amount(invoice.get("amount_paid"), currency),
        "hosted_url": invoice.get("hosted_invoice_url") or "",
        "pdf_url": invoice.get("invoice_pdf") or "",
        "period_start": moment(invoice.get("period_start")),
        "period_end": moment(invoice.get("period_end")),
    }
    if invoice.get("created"):
        values["created_at"] = moment(invoice["created"])
    found, _created = Invoice.objects.update_or_create(stripe_id=invoice["id"], defaults=values)
    return found


def bills_current(row: Subscription | None, invoice: dict) -> bool:
    """Whether the invoice is for the company's current subscription (or says none)."""
    billed = invoice_subscription(invoice)
    return row is not None and (
        not billed or not row.stripe_subscription or billed == row.stripe_subscription
    )
