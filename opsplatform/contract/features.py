"""Whether a company's plan includes a module's feature.

Billing has not arrived: every feature is on. The composition of the sidebar
and the dashboard already asks, so the billing issue only replaces this body
with a look-up of the company's plan (reading ``plan_features()``).
"""

from __future__ import annotations


def feature_enabled(tenant, code: str) -> bool:
    return True


def module_enabled(module, tenant) -> bool:
    """A module without a feature code is always on (the kernel's own parts)."""
    if module.feature is None or tenant is None:
        return True
    return feature_enabled(tenant, module.feature.code)
