"""Counts every page shows (the bell's unread notices, the inbox badge), cached
per tenant and person, with invalidation.

A module declares a count with :func:`register_count`: its name, how to work it
out for a user in the current tenant, and the models whose writes change it
(their saves and deletes forget the count for the whole tenant). A write the
signals do not see (``bulk_create``, ``update()``) calls :func:`count_changed`.

Safe by construction:
- keys carry the tenant id and the user id (as well as the tenant scope the
  cache's key function adds), so a count never reaches another person or tenant;
- a value is stored with the *generation tokens* read before it was worked
  out, one per tenant and one per person, and read only while both still
  match. Invalidation replaces a token, at once and after the write commits,
  so a value computed from the old rows, even one stored late, is never read;
- the cache may be down: every call falls back to the database (and an
  invalidation that could not reach the cache expires with the value, after
  ``COUNT_CACHE_SECONDS``; docs/reliability.md).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from opsplatform.permissions import per_user_cache, real_user
from opsplatform.tenancy.context import get_current_tenant_id

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class CountType:
    name: str
    compute: Callable[[object], int]
    once_per_request: bool


_COUNTS: dict[str, CountType] = {}


def register_count(
    name: str, compute: Callable[[object], int], *, changes_with=(), once_per_request=True
) -> CountType:
    """Declare a cached count; ``changes_with``: "app_label.Model" names whose
    saves and deletes change it for anyone in the row's tenant. ``once_per_request``:
    also keep the value on the request's member context (several readers on a page)."""
    count_type = CountType(name=name, compute=compute, once_per_request=once_per_request)
    _COUNTS[name] = count_type
    for model in changes_with:
        receiver = _tenant_forgetter(name)
        post_save.connect(receiver, sender=model, weak=False, dispatch_uid=f"count:{name}:{model}")
        post_delete.connect(
            receiver, sender=model, weak=False, dispatch_uid=f"count:{name}:{model}:delete"
        )
    return count_type


def _tenant_forgetter(name: str):
    def forget(sender, instance, **kwargs) -> None:
        tenant_id = getattr(instance, "tenant_id", None) or get_current_tenant_id()
        if tenant_id is not None:
            count_changed(name, tenant_id=tenant_id)

    return forget


def cached_count(name: str, user) -> int:
    """``name``'s count for ``user`` in the current tenant: once per request, from
    the cache when it holds a current value, else worked out and stored."""
    count_type = _COUNTS[name]
    tenant_id = get_current_tenant_id()
    if tenant_id is None or user is None or not getattr(user, "is_authenticated", False):
        return count_type.compute(user)
    user = real_user(user)
    if not count_type.once_per_request:
        return _from_cache(count_type, tenant_id, user)
    return per_user_cache(user, f"count:{name}", lambda: _from_cache(count_type, tenant_id, user))


def _from_cache(count_type: CountType, tenant_id: int, user) -> int:
    """One round trip when the cache holds a current value: the two tokens and
    the value (stored with the tokens it was counted under) in one ``get_many``."""
    name = count_type.name
    token_keys = [_token_key(name, tenant_id, None), _token_key(name, tenant_id, user.pk)]
    value_key = _value_key(name, tenant_id, user.pk)
    try:
        found = cache.get_many([*token_keys, value_key])
        tokens = [found.get(key) for key in token_keys]
        stored = found.get(value_key)
        if stored is not None and None not in tokens and list(stored[:2]) == tokens:
            return stored[2]
        missing = {key: uuid.uuid4().hex for key in token_keys if key not in found}
        if missing:
            # A new token (never reused), so no value stored under an earlier one matches.
            cache.set_many(missing, None)
            tokens = [found.get(key) or missing[key] for key in token_keys]
    except Exception:  # the cache is an optimisation (docs/reliability.md)
        logger.warning("count cache unavailable", exc_info=True)
        return count_type.compute(user)
    # Counted after the tokens were read: a write that commits meanwhile replaces
    # a token, and this value no longer matches.
    value = count_type.compute(user)
    try:
        cache.set(value_key, (*tokens, value), settings.COUNT_CACHE_SECONDS)
    except Exception:
        logger.warning("count cache unavailable", exc_info=True)
    return value


def count_changed(
    name: str,
    *,
    tenant_id: int,
    user_ids: Iterable[int] | None = None,
    after_commit: bool = True,
) -> None:
    """Forget ``name`` for these people (None: everyone in the tenant).

    Now, for what this transaction reads next, and again once it commits: a page
    that counted the old rows meanwhile stored its value under the token replaced
    then, so it is never read. ``after_commit=False`` when the caller forgets it
    again after the commit by other means (notifications: their delivery).
    """
    keys = (
        [_token_key(name, tenant_id, None)]
        if user_ids is None
        else [_token_key(name, tenant_id, pk) for pk in set(user_ids)]
    )
    if keys:
        _renew(keys)
        if after_commit and transaction.get_connection().in_atomic_block:
            transaction.on_commit(lambda: _renew(keys))


def _renew(keys: list[str]) -> None:
    try:
        cache.set_many({key: uuid.uuid4().hex for key in keys}, None)
    except Exception:  # values expire after COUNT_CACHE_SECONDS anyway
        logger.warning("count cache unavailable: %s not invalidated", keys, exc_info=True)


def _token_key(name: str, tenant_id: int, user_id: int | None) -> str:
    who = f"u{user_id}" if user_id is not None else "all"
    return f"count-token:{name}:t{tenant_id}:{who}"


def _value_key(name: str, tenant_id: int, user_id: int) -> str:
    return f"count:{name}:t{tenant_id}:u{user_id}"
