"""The owner's billing pages on a company's admin site (docs/billing.md,
"Billing page and landlord overview"). Mounted by ``pages_urls.billing_urls``."""
