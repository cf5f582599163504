"""Plans, subscriptions and what a company's plan lets it reach (docs/billing.md).

The kernel's part of billing: the plan tables, each company's subscription as
local data (kept in step with Stripe by webhooks, or assigned by platform staff
without Stripe keys), and the entitlements every module is gated by.
"""
