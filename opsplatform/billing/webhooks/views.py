"""The endpoint Stripe posts its events to."""

from __future__ import annotations

import logging

from django.db import transaction
from django.http import HttpResponse, HttpResponseBadRequest
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from opsplatform.billing import stripe_api
from opsplatform.billing.webhooks.processing import event_store

logger = logging.getLogger(__name__)


@csrf_exempt  # Stripe signs the body instead; no session is involved
@require_POST
def stripe_webhook(request):
    """400 for a bad or stale signature (nothing stored); otherwise the event is
    stored and 200 answered at once, a duplicate included. Processing is huey's."""
    try:
        event = stripe_api.verified_event(request.body, request.headers.get("Stripe-Signature"))
    except stripe_api.BadSignature as error:
        logger.warning("Billing: refused a Stripe webhook: %s", error)
        return HttpResponseBadRequest("bad signature", content_type="text/plain")
    with transaction.atomic():
        stored = event_store(event)
    return HttpResponse("ok" if stored else "duplicate", content_type="text/plain")
