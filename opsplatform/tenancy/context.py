"""The current tenant, held in a ContextVar.

A ContextVar (not a thread local) follows the code into async consumers and
back, and each request, task or thread starts with none, so nothing leaks from
one request into the next.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING

from django.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from tenants.models import Tenant

_current_tenant: ContextVar[Tenant | None] = ContextVar("current_tenant", default=None)


class TenantNotSetError(ImproperlyConfigured):
    """A tenant-owned table was queried with no tenant chosen.

    Fail closed: returning every company's rows here is the bug this prevents.
    Enter ``tenant_context(tenant)``, or use ``Model.all_tenants`` in landlord
    code, migrations and maintenance commands.
    """


def get_current_tenant() -> Tenant | None:
    return _current_tenant.get()


def get_current_tenant_id() -> int | None:
    tenant = _current_tenant.get()
    return tenant.pk if tenant is not None else None


def require_current_tenant() -> Tenant:
    tenant = _current_tenant.get()
    if tenant is None:
        raise TenantNotSetError(
            "No current tenant: enter tenant_context(tenant) before touching tenant data, "
            "or use the explicit all_tenants manager in landlord code."
        )
    return tenant


@contextmanager
def tenant_context(tenant: Tenant | None) -> Iterator[Tenant | None]:
    """Run a block as ``tenant``; ``None`` runs it with no tenant (landlord code)."""
    token = _current_tenant.set(tenant)
    try:
        yield tenant
    finally:
        _current_tenant.reset(token)


def set_current_tenant(tenant: Tenant | None):
    """Set the tenant for the rest of this context; returns a token for ``reset``.

    Only the request middleware uses this; everything else uses ``tenant_context``.
    """
    return _current_tenant.set(tenant)


def reset_current_tenant(token) -> None:
    _current_tenant.reset(token)
