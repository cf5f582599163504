"""The tenancy kernel: which company a piece of code is working for.

Everything tenant-owned is reached through :func:`get_current_tenant`; code
that runs outside a request (tasks, commands, consumers) enters
:func:`tenant_context` explicitly.
"""

from opsplatform.tenancy.context import (
    TenantNotSetError,
    get_current_tenant,
    get_current_tenant_id,
    tenant_context,
)

__all__ = ["TenantNotSetError", "get_current_tenant", "get_current_tenant_id", "tenant_context"]
