"""Stripe's webhooks: stored first, processed once, in any order (docs/billing.md).

- ``views``: the endpoint (signature, timestamp, store, enqueue after commit);
- ``processing``: processing one stored event under its row lock, the sweep of
  events whose enqueue was lost, and staff's retry;
- ``registry``: event type → handler;
- ``checkout``, ``subscriptions``, ``invoices``: the handlers;
- ``sync``: applying Stripe's subscription and invoice objects to the local
  rows, shared by the handlers, the plan changes and the reconcile.
"""
