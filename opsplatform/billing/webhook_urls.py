"""Stripe's webhook endpoint on the root domain: POST /stripe/webhook/."""

from django.urls import path

from opsplatform.billing.webhooks.views import stripe_webhook

urlpatterns = [
    path("webhook/", stripe_webhook, name="stripe-webhook"),
]
