"""The owner's billing page: plan and status, usage, features, invoices."""

from __future__ import annotations

from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from opsplatform.billing import stripe_api
from opsplatform.billing.models import Subscription
from opsplatform.billing.rules import decides_plan
from opsplatform.billing.views.access import billing_page, staff_assign_message
from opsplatform.billing.views.summary import billing_summary

STATUS_LABELS = {
    Subscription.Status.TRIALING: "info",
    Subscription.Status.ACTIVE: "success",
    Subscription.Status.PAST_DUE: "danger",
    Subscription.Status.CANCELLED: "warning",
    Subscription.Status.INCOMPLETE: "warning",
}


def stripe_actions(subscription, *, configured: bool, owner: bool) -> dict:
    """Which Stripe buttons the page shows (none without Stripe keys)."""
    if not configured:
        return {}
    live = bool(
        subscription
        and subscription.stripe_subscription
        and subscription.status != Subscription.Status.CANCELLED
    )
    return {
        # Checkout needs the company's row (its trial or staff's plan) to attach to.
        "subscribe": owner and subscription is not None and not live,
        "change": owner and live,
        "cancel": owner and live and not subscription.cancel_at_period_end,
        "resume": owner and live and subscription.cancel_at_period_end,
        "portal": bool(subscription and subscription.stripe_customer),
    }


@billing_page
def billing(request, site):
    summary = billing_summary(request.tenant)
    subscription = summary["subscription"]
    configured = stripe_api.configured()
    return TemplateResponse(
        request,
        "billing/page.html",
        {
            **site.each_context(request),
            "title": _("Billing"),
            **summary,
            "status_label": STATUS_LABELS.get(subscription.status) if subscription else None,
            "stripe": configured,
            "actions": stripe_actions(
                subscription, configured=configured, owner=decides_plan(request)
            ),
            "staff_message": None if configured else staff_assign_message(),
            "asked_feature": request.GET.get("feature", ""),
            "intervals": [Subscription.Interval.MONTH, Subscription.Interval.YEAR],
        },
    )
