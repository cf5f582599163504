"""Stripe's webhook endpoint on the root domain (helper "stripe" fills it)."""

urlpatterns: list = []
