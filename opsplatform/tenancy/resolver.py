"""Host name -> tenant, cached.

The cache holds the Tenant row itself per host, so an ordinary request costs no
query to find its company. Saving a tenant or a domain drops the entries
(see tenants.signals).
"""

from __future__ import annotations

import copy
import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

from opsplatform.tenancy.context import tenant_context

_MISSING = "missing"
# host -> (expires at, Tenant or _MISSING). Bounded; a change made in another
# process is seen here after TENANT_HOST_PROCESS_CACHE_SECONDS at most.
_in_process: dict[str, tuple[float, object]] = {}
IN_PROCESS_MAX_HOSTS = 2048
logger = logging.getLogger(__name__)


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
    host = normalise_host(raw_host)
    if host in settings.ROOT_HOSTS:
        return Resolution("root")
    cached = _lookup(host)
    if cached == _MISSING:
        return Resolution("unknown")
    # A copy per request: the same row object is never shared between requests.
    return Resolution("tenant", copy.copy(cached))


def _lookup(host: str):
    """The Tenant (or _MISSING) for a host: this process's memory for a few
    seconds, then the shared cache, then the database.

    The shared cache is a speed-up, never a dependency: when it errors (Redis
    down), the database answers and pages keep working.
    """
    now = time.monotonic()
    remembered = _in_process.get(host)
    if remembered is not None and remembered[0] > now:
        return remembered[1]
    key = host_cache_key(host)
    # Host keys are global: no tenant is known yet.
    with tenant_context(None):
        cached = _shared_cache_call("get", key)
        if cached is None:
            from tenants.models import Domain

            domain = Domain.objects.select_related("tenant").filter(domain=host).first()
            cached = domain.tenant if domain else _MISSING
            _shared_cache_call("set", key, cached, settings.TENANT_HOST_CACHE_SECONDS)
    if len(_in_process) >= IN_PROCESS_MAX_HOSTS:
        _in_process.clear()
    _in_process[host] = (now + settings.TENANT_HOST_PROCESS_CACHE_SECONDS, cached)
    return cached


def _shared_cache_call(method: str, *args):
    try:
        return getattr(cache, method)(*args)
    except Exception:  # any cache failure means "ask the database"
        logger.warning("Cache unavailable for %s; using the database.", method, exc_info=True)
        return None


def forget_host(host: str) -> None:
    _in_process.pop(host, None)
    with tenant_context(None):
        _shared_cache_call("delete", host_cache_key(host))


def forget_process_cache() -> None:
    _in_process.clear()


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
