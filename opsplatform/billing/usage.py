"""A company's use of each limit, counted by the module that declares it."""

from __future__ import annotations

from opsplatform.contract.declarations import resolve
from opsplatform.contract.registry import plan_limits


def usage_of(tenant, code: str) -> int:
    """Current use of limit ``code`` by ``tenant`` (0 for a code no module declares)."""
    from opsplatform.tenancy import tenant_context

    for limit in plan_limits():
        if limit.code == code:
            with tenant_context(tenant):
                return int(resolve(limit.count)(tenant))
    return 0
