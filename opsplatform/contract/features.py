"""Whether a company's plan includes a module's feature (opsplatform.billing).

The sidebar, the dashboard and the gating ask here; the answer comes from the
company's plan (docs/billing.md).
"""

from __future__ import annotations


def feature_enabled(tenant, code: str) -> bool:
    from opsplatform.billing.entitlements import feature_enabled as plan_has

    return plan_has(tenant, code)


def module_enabled(module, tenant) -> bool:
    """A module without a feature code is always on (the kernel's own parts)."""
    if module.feature is None or tenant is None:
        return True
    return feature_enabled(tenant, module.feature.code)
