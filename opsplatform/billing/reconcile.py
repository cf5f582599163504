"""Every Stripe subscription, read back from Stripe and applied to its row.

Webhooks keep subscriptions in step; this catches what they missed (an event
Stripe gave up on, one that failed here). Each subscription in its own
transaction, so one failing does not stop the rest. Stripe's answer is its
present state, applied without moving ``stripe_synced_at`` (webhooks/sync.py).
"""

from __future__ import annotations

import logging

from django.db import transaction

from opsplatform.billing import stripe_api
from opsplatform.billing.models import Subscription

logger = logging.getLogger(__name__)


def reconcile_all() -> dict[str, int]:
    """Returns how many subscriptions were brought in step and how many failed."""
    from opsplatform.billing.webhooks.sync import apply_subscription

    report = {"synced": 0, "failed": 0}
    if not stripe_api.configured():
        return report
    rows = (
        Subscription.objects.exclude(stripe_subscription="").select_related("tenant").order_by("pk")
    )
    for row in rows:
        try:
            found = stripe_api.retrieve_subscription(row.stripe_subscription)
            with transaction.atomic():
                apply_subscription(row.tenant, found, reason="reconciled with Stripe")
        except Exception:  # one company's failure must not stop the others
            logger.exception("Billing: reconcile of %s failed", row.stripe_subscription)
            report["failed"] += 1
        else:
            report["synced"] += 1
    return report
