"""Whether a company's plan includes a module's feature (opsplatform.billing).

The sidebar, the dashboard and the gating ask here; the answer comes from the
company's plan (docs/billing.md).
"""

from __future__ import annotations

from opsplatform.contract.registry import module_needs


def feature_enabled(tenant, code: str) -> bool:
    from opsplatform.billing.entitlements import feature_enabled as plan_has

    return plan_has(tenant, code)


def module_enabled(module, tenant) -> bool:
    """Whether the plan has every feature ``module`` needs: its own and those of the
    modules it requires (a module cannot work without them). A module needing none
    is always on (the kernel's own parts)."""
    if tenant is None:
        return True
    return all(feature_enabled(tenant, code) for code in module_needs(module))
