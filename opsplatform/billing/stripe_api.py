"""The one module that talks to Stripe (the official SDK), docs/billing.md.

Everything else in the product calls these functions and never imports
``stripe``. Tests replace the SDK's HTTP client (``http_client`` below, the
SDK's own seam) with a stub that answers from Stripe's object shapes, so the
SDK's request building and response parsing run for real and nothing reaches
the network (tests/opsplatform/billing/stripe_stub.py).

The signatures of ``configured``, ``client``, ``ChangePreview``, ``checkout_url``,
``portal_url``, ``preview_change``, ``change_plan``, ``cancel_at_period_end`` and
``resume`` are the contract the owner's billing page calls. Each refuses
(``Refused``, a message for the owner) rather than half-doing a change.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from functools import wraps

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from opsplatform.refusals import Refused

logger = logging.getLogger(__name__)

# The SDK's HTTP-client seam: tests set this to a stripe.HTTPClient subclass instance.
http_client = None

# Currencies whose Stripe amounts are not in hundredths (docs.stripe.com/currencies).
ZERO_DECIMAL = frozenset("bif clp djf gnf jpy kmf krw mga pyg rwf ugx vnd vuv xaf xof xpf".split())
THREE_DECIMAL = frozenset("bhd jod kwd omr tnd".split())

# How the preview and the change prorate: the same in both, so the preview tells
# the owner what the change will do.
PRORATION = "create_prorations"

# Stripe refuses a Checkout trial that ends sooner than this.
CHECKOUT_TRIAL_MIN = timedelta(hours=48)


class BadSignature(Exception):
    """A webhook whose signature or timestamp does not check out."""


def configured() -> bool:
    """Whether Stripe keys are set (without them plans are assigned by platform staff)."""
    return bool(settings.STRIPE_SECRET_KEY)


def client():
    import stripe

    return stripe.StripeClient(
        settings.STRIPE_SECRET_KEY, http_client=http_client, max_network_retries=1
    )


@dataclass(frozen=True)
class ChangePreview:
    """What a plan or interval change costs, from Stripe's invoice preview.

    The preview and the change both prorate (``PRORATION``): the unused part of the
    current period is credited at the old price, the rest charged at the new one.
    ``proration`` is the sum of those lines, positive charged, negative credited.
    When it falls due depends on the change (Stripe's rules, docs/billing.md):

    - a change of tier within the same interval keeps the billing period, so
      nothing is charged now (``due_now`` is 0): the proration is added to the
      next invoice, whose total (proration included) is ``next_amount``, charged
      on ``next_date``;
    - an interval change (monthly <-> yearly) restarts the billing period, so
      Stripe invoices at once (``at_once``): the preview is that invoice, and
      ``due_now`` is what it charges (negative: credited to the balance).

    ``lines`` are the preview's lines (description, amount).
    """

    currency: str
    due_now: Decimal
    next_amount: Decimal
    next_date: object | None = None  # datetime
    lines: list[tuple[str, Decimal]] = field(default_factory=list)
    proration: Decimal = Decimal("0")
    at_once: bool = False


# -- conversions ----------------------------------------------------------------


def amount(minor, currency: str) -> Decimal:
    """Stripe's integer minor units as a Decimal in the currency's major unit."""
    code = (currency or "").lower()
    places = 0 if code in ZERO_DECIMAL else 3 if code in THREE_DECIMAL else 2
    return Decimal(int(minor or 0)).scaleb(-places)


def moment(timestamp) -> datetime | None:
    """A Stripe Unix timestamp as an aware datetime (None stays None)."""
    if timestamp in (None, ""):
        return None
    return datetime.fromtimestamp(int(timestamp), tz=UTC)


def _plain(stripe_object) -> dict:
    """An SDK object as the plain dict a webhook's payload carries."""
    return json.loads(json.dumps(stripe_object.to_dict(recursive=True), default=str))


# -- refusals ---------------------------------------------------------------------


def _require_configured() -> None:
    if not configured():
        raise Refused(
            _("Payments through Stripe are not set up here: platform staff assign plans.")
        )


def price_of(plan, interval: str) -> str:
    """The Stripe price of ``plan`` at ``interval``; refused when it has none."""
    from opsplatform.billing.models import Subscription

    prices = {
        Subscription.Interval.MONTH: plan.stripe_monthly_price,
        Subscription.Interval.YEAR: plan.stripe_yearly_price,
    }
    if interval not in prices:
        raise Refused(_("There is no such billing interval."))
    price = prices[interval]
    if not price:
        raise Refused(
            _("The %(plan)s plan has no Stripe price for %(interval)s billing.")
            % {"plan": plan.name, "interval": Subscription.Interval(interval).label}
        )
    return price


def _require_stripe_subscription(subscription) -> str:
    if not subscription.stripe_subscription:
        raise Refused(_("There is no paid subscription to change yet: subscribe first."))
    return subscription.stripe_subscription


def _stripe_refusals(function):
    """Stripe's own refusals and outages reach the owner as a message, not a 500.
    Stripe changes nothing on a refused call, so neither do we."""

    @wraps(function)
    def calling(*args, **kwargs):
        import stripe

        try:
            return function(*args, **kwargs)
        except stripe.APIConnectionError as error:
            logger.warning("Stripe unreachable in %s: %s", function.__name__, error)
            raise Refused(
                _("Stripe cannot be reached right now; nothing was changed. Try again shortly.")
            ) from error
        except stripe.StripeError as error:
            logger.warning("Stripe refused %s: %s", function.__name__, error)
            raise Refused(
                _("Stripe refused this: %(reason)s")
                % {"reason": error.user_message or _("no reason given")}
            ) from error

    return calling


# -- customers ----------------------------------------------------------------------


def _customer_of(subscription) -> str:
    """The company's Stripe customer, created on first need and remembered."""
    if subscription.stripe_customer:
        return subscription.stripe_customer
    from opsplatform.audit import with_reason

    tenant = subscription.tenant
    customer = client().v1.customers.create(
        params={"name": tenant.name, "metadata": {"tenant_id": str(tenant.pk)}}
    )
    subscription.stripe_customer = customer.id
    with with_reason(subscription, "Stripe customer created"):
        subscription.save(update_fields=["stripe_customer", "updated_at"])
    return customer.id


# -- the contract -------------------------------------------------------------------


@_stripe_refusals
def checkout_url(subscription, plan, interval: str, success_url: str, cancel_url: str) -> str:
    """A Stripe Checkout session for ``plan`` at ``interval``; its address.

    The session, and the subscription it makes, carry the company's id
    (``client_reference_id`` and ``metadata``): the webhooks find the company
    by it. A company still in its trial keeps the trial's end (when Stripe
    allows it: at least 48 hours ahead), so subscribing early costs no days.
    """
    from opsplatform.billing.models import Subscription

    _require_configured()
    price = price_of(plan, interval)
    if subscription.stripe_subscription and subscription.status != Subscription.Status.CANCELLED:
        raise Refused(_("This company already has a subscription: change its plan instead."))
    tenant_id = str(subscription.tenant_id)
    subscription_data: dict = {"metadata": {"tenant_id": tenant_id}}
    trial_end = subscription.trial_ends_at
    if (
        subscription.status == Subscription.Status.TRIALING
        and trial_end is not None
        and trial_end > timezone.now() + CHECKOUT_TRIAL_MIN
    ):
        subscription_data["trial_end"] = int(trial_end.timestamp())
    session = client().v1.checkout.sessions.create(
        params={
            "mode": "subscription",
            "customer": _customer_of(subscription),
            "line_items": [{"price": price, "quantity": 1}],
            "client_reference_id": tenant_id,
            "metadata": {"tenant_id": tenant_id, "plan": plan.code, "interval": interval},
            "subscription_data": subscription_data,
            "success_url": success_url,
            "cancel_url": cancel_url,
        }
    )
    return session.url


@_stripe_refusals
def portal_url(subscription, return_url: str) -> str:
    """A Stripe Customer Portal session (cards, tax details); its address."""
    _require_configured()
    session = client().v1.billing_portal.sessions.create(
        params={"customer": _customer_of(subscription), "return_url": return_url}
    )
    return session.url


def _item_of(stripe_subscription_id: str):
    """The subscription's one item (our subscriptions have one price each)."""
    found = _plain(client().v1.subscriptions.retrieve(stripe_subscription_id))
    data = (found.get("items") or {}).get("data")
    if not data:
        raise Refused(_("The Stripe subscription has no plan on it; contact us."))
    return data[0]


def _is_proration(line) -> bool:
    """A proration of the subscription's own item. A pending invoice item on the
    same invoice (``invoice_item_details``) is not this change's proration, even
    when it says ``proration``; nor is the next period's charge."""
    details = (line.get("parent") or {}).get("subscription_item_details") or {}
    return bool(details.get("proration"))


def _interval_of(item, subscription) -> str:
    """The interval the subscription is billed at now, as Stripe has it."""
    recurring = (item.get("price") or {}).get("recurring") or {}
    return recurring.get("interval") or subscription.interval


@_stripe_refusals
def preview_change(subscription, plan, interval: str) -> ChangePreview:
    """What moving to ``plan``/``interval`` now would charge or credit (nothing changes)."""
    _require_configured()
    price = price_of(plan, interval)
    stripe_id = _require_stripe_subscription(subscription)
    item = _item_of(stripe_id)
    preview = _plain(
        client().v1.invoices.create_preview(
            params={
                "customer": subscription.stripe_customer,
                "subscription": stripe_id,
                "subscription_details": {
                    "items": [{"id": item["id"], "price": price}],
                    "proration_behavior": PRORATION,
                    "proration_date": int(timezone.now().timestamp()),
                },
            }
        )
    )
    currency = preview.get("currency") or plan.currency
    lines = []
    proration = Decimal("0")
    for line in (preview.get("lines") or {}).get("data") or []:
        value = amount(line.get("amount"), currency)
        lines.append((line.get("description") or "", value))
        if _is_proration(line):
            proration += value
    amount_due = amount(preview.get("amount_due"), currency)
    # A new interval restarts the period: the previewed invoice is made and charged
    # at once. Its amount due is never below 0; a negative total is a credit.
    at_once = _interval_of(item, subscription) != interval
    total = amount(preview.get("total"), currency)
    due_now = (total if total < 0 else amount_due) if at_once else Decimal("0")
    return ChangePreview(
        currency=currency.upper(),
        due_now=due_now,
        next_amount=amount_due,
        next_date=moment(preview.get("next_payment_attempt") or preview.get("period_end")),
        lines=lines,
        proration=proration,
        at_once=at_once,
    )


def _apply(subscription, stripe_subscription, reason: str) -> None:
    """Write Stripe's answer to the local row at once (the webhook confirms it)."""
    from opsplatform.billing.webhooks.sync import apply_subscription

    apply_subscription(subscription.tenant, _plain(stripe_subscription), reason=reason)
    subscription.refresh_from_db()


@_stripe_refusals
def change_plan(subscription, plan, interval: str) -> None:
    """Move the Stripe subscription to ``plan``/``interval`` with proration, as
    ``preview_change`` showed it: within the interval on the next invoice, for a
    new interval at once. The local row is updated from Stripe's answer (and again
    by the webhook)."""
    _require_configured()
    price = price_of(plan, interval)
    stripe_id = _require_stripe_subscription(subscription)
    item = _item_of(stripe_id)
    updated = client().v1.subscriptions.update(
        stripe_id,
        params={
            "items": [{"id": item["id"], "price": price}],
            "proration_behavior": PRORATION,
        },
    )
    _apply(subscription, updated, f"plan changed to {plan.code} ({interval})")


@_stripe_refusals
def cancel_at_period_end(subscription) -> None:
    _require_configured()
    stripe_id = _require_stripe_subscription(subscription)
    updated = client().v1.subscriptions.update(stripe_id, params={"cancel_at_period_end": True})
    _apply(subscription, updated, "cancels at period end")


@_stripe_refusals
def resume(subscription) -> None:
    _require_configured()
    stripe_id = _require_stripe_subscription(subscription)
    updated = client().v1.subscriptions.update(stripe_id, params={"cancel_at_period_end": False})
    _apply(subscription, updated, "resumed")


# -- for the webhooks and the reconcile ---------------------------------------------


def retrieve_subscription(stripe_id: str) -> dict:
    """Stripe's current state of one subscription, as a plain dict."""
    return _plain(client().v1.subscriptions.retrieve(stripe_id))


def verified_event(payload: bytes, signature_header: str | None) -> dict:
    """The event in a webhook body, once its signature and timestamp check out.

    Raises ``BadSignature`` for a wrong or missing signature, a timestamp older
    than ``STRIPE_WEBHOOK_TOLERANCE`` seconds, a missing secret, or a body that
    is not an event.
    """
    import stripe

    secret = settings.STRIPE_WEBHOOK_SECRET
    if not secret:
        raise BadSignature("STRIPE_WEBHOOK_SECRET is not set")
    try:
        stripe.WebhookSignature.verify_header(
            payload, signature_header, secret, tolerance=settings.STRIPE_WEBHOOK_TOLERANCE
        )
        event = json.loads(payload)
    except (stripe.SignatureVerificationError, ValueError, UnicodeDecodeError) as error:
        raise BadSignature(str(error)) from error
    if not isinstance(event, dict) or event.get("object") != "event" or not event.get("id"):
        raise BadSignature("not a Stripe event")
    return event
