"""Platform staff's billing overview (docs/billing.md, "Billing page and landlord overview")."""
