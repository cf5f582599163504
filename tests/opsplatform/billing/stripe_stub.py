"""Stripe without the network: a stub at the SDK's HTTP-client seam, and signed events.

``StripeStub`` is a ``stripe.HTTPClient`` subclass: the real SDK builds every
request and parses every answer, and the stub answers from Stripe's own object
shapes (``../shared/stripe/fixtures3.json``, the file Stripe's mock server
answers with), keeping the subscriptions it was asked about so that an update
is seen by the next read. Every request is recorded (``stub.requests``) for
tests to assert the path and parameters the SDK sent.

``installed(settings)`` puts it in place (with a test key and webhook secret);
``event(...)`` builds an event around a fixture object and ``signed(...)`` signs
a body the way Stripe does (``t=<unix time>,v1=<HMAC-SHA256 of "t.body">``).
"""

from __future__ import annotations

import copy
import hashlib
import hmac
import json
import time
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from itertools import count
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import stripe

# Stripe's example objects (../shared/stripe/fixtures3.json), kept beside this file.
FIXTURES = Path(__file__).resolve().parent / "stripe_objects" / "fixtures3.json"

SECRET_KEY = "sk_test_stub"
WEBHOOK_SECRET = "whsec_test_stub"

_ids = count(1)


@lru_cache(maxsize=1)
def _resources() -> dict:
    return json.loads(FIXTURES.read_text())["resources"]


def fixture(resource: str, **overrides) -> dict:
    """A fresh copy of Stripe's example object ``resource``, with ``overrides`` set."""
    found = copy.deepcopy(_resources()[resource])
    found.update(overrides)
    return found


def new_id(prefix: str) -> str:
    return f"{prefix}_stub{next(_ids):06d}"


# -- objects -----------------------------------------------------------------------


def subscription(
    *,
    id: str,
    customer: str,
    price: str,
    status: str = "active",
    tenant=None,
    period_end: int | None = None,
    trial_end: int | None = None,
    cancel_at_period_end: bool = False,
    interval: str = "month",
) -> dict:
    """A subscription in Stripe's shape, on one price."""
    found = fixture("subscription")
    item = found["items"]["data"][0]
    item["price"]["id"] = price
    item["price"]["recurring"]["interval"] = interval
    item["plan"]["id"] = price
    item["subscription"] = id
    item["current_period_end"] = period_end or int(time.time()) + 30 * 86400
    item["current_period_start"] = int(time.time())
    found["items"]["url"] = f"/v1/subscription_items?subscription={id}"
    found.update(
        id=id,
        customer=customer,
        status=status,
        trial_end=trial_end,
        cancel_at_period_end=cancel_at_period_end,
        cancel_at=None,
        canceled_at=None,
        ended_at=None,
        metadata={"tenant_id": str(tenant.pk)} if tenant is not None else {},
    )
    return found


def invoice(
    *,
    customer: str,
    subscription_id: str,
    amount_due: int = 4900,
    amount_paid: int = 0,
    status: str = "open",
    id: str | None = None,
    currency: str = "usd",
) -> dict:
    """An invoice in Stripe's shape (the subscription where API 2025+ puts it)."""
    invoice_id = id or new_id("in")
    return fixture(
        "invoice",
        id=invoice_id,
        customer=customer,
        amount_due=amount_due,
        amount_paid=amount_paid,
        amount_remaining=amount_due - amount_paid,
        status=status,
        currency=currency,
        number=f"INV-{invoice_id[-6:]}",
        hosted_invoice_url=f"https://invoice.stripe.com/i/{invoice_id}",
        invoice_pdf=f"https://pay.stripe.com/invoice/{invoice_id}/pdf",
        parent={
            "quote_details": None,
            "subscription_details": {"metadata": None, "subscription": subscription_id},
            "type": "subscription_details",
        },
    )


def invoice_line(description: str, cents: int, kind: str, *, subscription_id: str) -> dict:
    """One line of an invoice in the current API's shape (``parent`` says where it
    comes from). ``kind``: ``"proration"`` (the subscription item, prorated),
    ``"period"`` (the subscription item for a whole period, no proration) or
    ``"invoice_item"`` (a pending invoice item: ``invoice_item_details`` only, and
    it says ``proration`` as a proration invoice item left from an earlier
    adjustment does; it is on the invoice, yet not this change's proration)."""
    line = fixture("invoice")["lines"]["data"][0]
    line.update(id=new_id("il"), amount=cents, description=description)
    line["subscription"] = subscription_id if kind != "invoice_item" else None
    if kind == "invoice_item":
        line["parent"] = {
            "type": "invoice_item_details",
            "invoice_item_details": {
                "invoice_item": new_id("ii"),
                "proration": True,
                "proration_details": {"credited_items": None},
                "subscription": None,
            },
            "subscription_item_details": None,
        }
        return line
    assert kind in ("proration", "period"), kind
    line["parent"] = {
        "type": "subscription_item_details",
        "invoice_item_details": None,
        "subscription_item_details": {
            "invoice_item": new_id("ii") if kind == "proration" else None,
            "proration": kind == "proration",
            "proration_details": {"credited_items": None},
            "subscription": subscription_id,
            "subscription_item": new_id("si"),
        },
    }
    return line


def checkout_session(*, tenant, customer: str, subscription_id: str, plan: str = "") -> dict:
    return fixture(
        "checkout.session",
        id=new_id("cs_test"),
        mode="subscription",
        status="complete",
        payment_status="paid",
        customer=customer,
        subscription=subscription_id,
        client_reference_id=str(tenant.pk),
        metadata={"tenant_id": str(tenant.pk), "plan": plan, "interval": "month"},
        payment_intent=None,
    )


def event(type: str, obj: dict, *, created: int | None = None, id: str | None = None) -> dict:
    """A Stripe event of ``type`` around ``obj`` (Stripe's event shape)."""
    return fixture(
        "event",
        id=id or new_id("evt"),
        type=type,
        created=created if created is not None else int(time.time()),
        data={"object": obj},
        api_version="2026-10-28.endive",
    )


def signed(body: str, *, secret: str = WEBHOOK_SECRET, timestamp: int | None = None) -> str:
    """The ``Stripe-Signature`` header Stripe would send with ``body``."""
    moment = int(time.time()) if timestamp is None else timestamp
    mac = hmac.new(secret.encode(), f"{moment}.{body}".encode(), hashlib.sha256).hexdigest()
    return f"t={moment},v1={mac}"


# -- the HTTP client ------------------------------------------------------------------


@dataclass
class Request:
    method: str
    path: str
    params: dict  # flattened form keys, as the SDK encoded them: "items[0][price]"


# The preview of Starter monthly to Growth yearly: a new period, invoiced at once
# (-9.50 + 490.00 + the pending invoice item's 10.00 = 490.50).
TO_GROWTH_YEARLY = [
    ("Unused time on Starter after 2 Dec 2026", -950, "proration"),
    ("1 × Growth (at $490.00 / year)", 49000, "period"),
    ("Remaining time on 2 extra seats after 20 Nov 2026", 1000, "invoice_item"),
]


class StripeStub(stripe.HTTPClient):
    """Answers the few endpoints billing calls, in Stripe's shapes."""

    name = "stub"

    def __init__(self):
        super().__init__()
        self.requests: list[Request] = []
        self.subscriptions: dict[str, dict] = {}
        # The lines of the invoice preview (cents; kind as ``invoice_line`` takes it):
        # Starter to Growth within the month, with an invoice item pending.
        self.preview_lines = [
            ("Unused time on Starter after 2 Dec 2026", -1500, "proration"),
            ("Remaining time on Growth after 2 Dec 2026", 3300, "proration"),
            ("1 × Growth (at $49.00 / month)", 4900, "period"),
            ("Remaining time on 2 extra seats after 20 Nov 2026", 1000, "invoice_item"),
        ]

    # The SDK's interface.
    def request(self, method, url, headers, post_data=None, *, _usage=None):
        parts = urlsplit(url)
        encoded = post_data if method == "post" else parts.query
        if isinstance(encoded, bytes):
            encoded = encoded.decode()
        params = dict(parse_qsl(encoded or "", keep_blank_values=True))
        self.requests.append(Request(method.upper(), parts.path, params))
        status, body = self.answer(method.upper(), parts.path, params)
        return json.dumps(body), status, {"request-id": new_id("req")}

    def request_stream(self, method, url, headers, post_data=None, *, _usage=None):
        raise NotImplementedError

    def close(self):
        pass

    # What was asked.
    def last(self, method: str, path: str) -> Request:
        found = [r for r in self.requests if r.method == method and r.path == path]
        assert found, f"no {method} {path} in {[(r.method, r.path) for r in self.requests]}"
        return found[-1]

    # The answers.
    def answer(self, method: str, path: str, params: dict) -> tuple[int, dict]:
        if method == "POST" and path == "/v1/customers":
            return 200, fixture("customer", id=new_id("cus"), name=params.get("name"))
        if method == "POST" and path == "/v1/checkout/sessions":
            session_id = new_id("cs_test")
            return 200, fixture(
                "checkout.session",
                id=session_id,
                mode=params.get("mode"),
                customer=params.get("customer"),
                client_reference_id=params.get("client_reference_id"),
                success_url=params.get("success_url"),
                cancel_url=params.get("cancel_url"),
                url=f"https://checkout.stripe.com/c/pay/{session_id}",
            )
        if method == "POST" and path == "/v1/billing_portal/sessions":
            session_id = new_id("bps")
            return 200, fixture(
                "billing_portal.session",
                id=session_id,
                customer=params.get("customer"),
                return_url=params.get("return_url"),
                url=f"https://billing.stripe.com/p/session/{session_id}",
            )
        if method == "POST" and path == "/v1/invoices/create_preview":
            return 200, self.preview(params)
        if path.startswith("/v1/subscriptions/"):
            stripe_id = path.rsplit("/", 1)[1]
            found = self.subscriptions.get(stripe_id)
            if found is None:
                return 404, {
                    "error": {
                        "type": "invalid_request_error",
                        "code": "resource_missing",
                        "message": f"No such subscription: '{stripe_id}'",
                    }
                }
            if method == "POST":
                self.update(found, params)
            return 200, found
        return 404, {"error": {"type": "invalid_request_error", "message": f"stub: {path}"}}

    def update(self, found: dict, params: dict) -> None:
        if "items[0][price]" in params:
            item = found["items"]["data"][0]
            item["price"]["id"] = params["items[0][price]"]
            item["plan"]["id"] = params["items[0][price]"]
        if "cancel_at_period_end" in params:
            found["cancel_at_period_end"] = params["cancel_at_period_end"] == "true"

    def preview(self, params: dict) -> dict:
        subscription_id = params.get("subscription")
        lines = [
            invoice_line(description, cents, kind, subscription_id=subscription_id)
            for description, cents, kind in self.preview_lines
        ]
        total = sum(cents for _d, cents, _k in self.preview_lines)
        preview = fixture(
            "invoice",
            id=None,
            customer=params.get("customer"),
            amount_due=max(total, 0),  # Stripe's amount due is never negative
            total=total,
            subtotal=total,
            next_payment_attempt=int(time.time()) + 20 * 86400,
        )
        preview["lines"]["data"] = lines
        return preview


@contextmanager
def installed(settings):
    """The stub as the SDK's HTTP client, with Stripe configured (test keys)."""
    from opsplatform.billing import stripe_api

    stub = StripeStub()
    before = stripe_api.http_client
    settings.STRIPE_SECRET_KEY = SECRET_KEY
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    stripe_api.http_client = stub
    try:
        yield stub
    finally:
        stripe_api.http_client = before


# -- for billing's tests: plans, a subscription row, a posted event --------------------

STARTER_MONTH, STARTER_YEAR = "price_starter_month", "price_starter_year"
GROWTH_MONTH, GROWTH_YEAR = "price_growth_month", "price_growth_year"


def make_plans() -> dict:
    """Starter and Growth with Stripe prices, and Enterprise without any."""
    from opsplatform.billing.services import plans_load

    loaded = plans_load(
        [
            {
                "code": "starter",
                "name": "Starter",
                "tier": 1,
                "monthly_amount": "19.00",
                "stripe_monthly_price": STARTER_MONTH,
                "stripe_yearly_price": STARTER_YEAR,
                "features": ["leave"],
                "limits": {"members": 5},
            },
            {
                "code": "growth",
                "name": "Growth",
                "tier": 2,
                "monthly_amount": "49.00",
                "stripe_monthly_price": GROWTH_MONTH,
                "stripe_yearly_price": GROWTH_YEAR,
                "trial_days": 14,
                "features": ["leave", "projects"],
                "limits": {"members": 50},
            },
            {"code": "enterprise", "name": "Enterprise", "tier": 3},
        ]
    )
    return {plan.code: plan for plan in loaded}


def on_stripe(tenant, plan, *, status="active", customer=None, subscription_id=None):
    """``tenant``'s row on ``plan``, linked to a Stripe customer and subscription."""
    from opsplatform.billing.services import subscription_assign

    row = subscription_assign(tenant=tenant, plan=plan, status=status)
    row.stripe_customer = customer or new_id("cus")
    row.stripe_subscription = subscription_id if subscription_id is not None else new_id("sub")
    row.save()
    return row


def post_event(client, payload: dict, *, secret: str = WEBHOOK_SECRET, timestamp=None):
    """POST ``payload`` to the webhook endpoint, signed as Stripe signs."""
    body = json.dumps(payload)
    return client.post(
        "/stripe/webhook/",
        data=body,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=signed(body, secret=secret, timestamp=timestamp),
    )
