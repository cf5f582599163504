"""The one module that talks to Stripe (the official SDK), docs/billing.md.

Everything else in the product calls these functions and never imports
``stripe``. Tests replace the SDK's HTTP client (``http_client`` below, the
SDK's own seam) with a stub that answers from Stripe's object shapes, so the
SDK's request building and response parsing run for real and nothing reaches
the network.

Helper "stripe" owns this file: the signatures below are the contract the
billing page (helper "pages") calls.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings

# The SDK's HTTP-client seam: tests set this to a stripe.HTTPClient subclass instance.
http_client = None


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
    """What a plan or interval change costs: charged (or credited, negative) now,
    and the next invoice's amount, from Stripe's invoice preview."""

    currency: str
    due_now: Decimal
    next_amount: Decimal
    next_date: object | None = None  # datetime
    lines: list[tuple[str, Decimal]] = field(default_factory=list)


def checkout_url(subscription, plan, interval: str, success_url: str, cancel_url: str) -> str:
    """A Stripe Checkout session for ``plan`` at ``interval``; its address."""
    raise NotImplementedError


def portal_url(subscription, return_url: str) -> str:
    """A Stripe Customer Portal session (cards, tax details); its address."""
    raise NotImplementedError


def preview_change(subscription, plan, interval: str) -> ChangePreview:
    raise NotImplementedError


def change_plan(subscription, plan, interval: str) -> None:
    """Move the Stripe subscription to ``plan``/``interval`` with proration; the
    local row is updated from Stripe's answer (and again by the webhook)."""
    raise NotImplementedError


def cancel_at_period_end(subscription) -> None:
    raise NotImplementedError


def resume(subscription) -> None:
    raise NotImplementedError
