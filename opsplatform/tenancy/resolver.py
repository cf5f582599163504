"""Host name -> tenant, cached.

The cache holds the Tenant row itself per host, so an ordinary request costs no
query to find its company. Saving a tenant or a domain drops the entries
(see tenants.signals).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

from opsplatform.tenancy.context import tenant_context

_MISSING = "missing"


@dataclass(frozen=True)
class Resolution:
    kind: str  # "root", "tenant" or "unknown"
    tenant: object | None = None


def host_cache_key(host: str) -> str:
    return f"tenancy:host:{host}"


def normalise_host(raw_host: str) -> str:
    host = raw_host.strip().lower()
    if host.startswith("["):  # IPv6 literal, [::1]:8000
        return host.split("]")[0] + "]"
    return host.rsplit(":", 1)[0] if ":" in host else host


def resolve_host(raw_host: str) -> Resolution:
    from tenants.models import Domain

    host = normalise_host(raw_host)
    if host in settings.ROOT_HOSTS:
        return Resolution("root")
    # Host keys are global: no tenant is known yet.
    with tenant_context(None):
        cached = cache.get(host_cache_key(host))
        if cached is None:
            domain = Domain.objects.select_related("tenant").filter(domain=host).first()
            cached = domain.tenant if domain else _MISSING
            cache.set(host_cache_key(host), cached, settings.TENANT_HOST_CACHE_SECONDS)
    if cached == _MISSING:
        return Resolution("unknown")
    return Resolution("tenant", cached)


def forget_host(host: str) -> None:
    with tenant_context(None):
        cache.delete(host_cache_key(host))


def forget_hosts_now_and_on_commit(hosts) -> None:
    """Drop cached host entries now and again once the transaction commits.

    Now, so this transaction's own later reads see the change; after commit,
    because another request may have cached the old row in between.
    """
    from django.db import transaction

    hosts = list(hosts)
    for host in hosts:
        forget_host(host)
    transaction.on_commit(lambda: [forget_host(host) for host in hosts])
