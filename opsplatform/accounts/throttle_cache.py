"""The login throttle's cache: the shared one (Redis), this process's memory when it errors.

Decision (docs/reliability.md): with Redis down, people can still sign in,
and guessing is still slowed. Failing closed would lock every person out of
every company because of a cache; failing open would let a guesser try
without limit for as long as Redis is down. Counting in this process's memory
meanwhile keeps the lockout working per process (a guesser gets at most
``AXES_FAILURE_LIMIT`` tries per web process per cool-off), and it is logged.

Why not axes's database handler as the fallback: the tenancy middleware runs
each request in one transaction, and the attempt that reaches the limit is
answered with the lockout page; rows written there would share the fate of
the request's transaction, and an attempt must count whatever the request did.
"""

from __future__ import annotations

import logging
import time

from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from django.core.cache.backends.locmem import LocMemCache

logger = logging.getLogger(__name__)

# After an error, the shared cache is not asked again for this long: a Redis
# that times out (rather than refusing) would otherwise add its timeout to
# every one of the half-dozen cache calls a sign-in makes.
RETRY_AFTER_SECONDS = 5.0


class FallbackCache(BaseCache):
    """Delegates to the cache alias named by LOCATION; on an error, to local memory.

    ``ValueError`` is no error of the cache server (``incr`` of a missing key
    raises it on every backend), so it is passed on, not treated as "down".
    """

    def __init__(self, location, params):
        super().__init__(params)
        self._shared_alias = location
        self._local = LocMemCache(f"fallback-{location}", {"TIMEOUT": params.get("TIMEOUT", 300)})
        self._skip_shared_until = 0.0

    def _call(self, method: str, *args, **kwargs):
        if time.monotonic() >= self._skip_shared_until:
            try:
                return getattr(caches[self._shared_alias], method)(*args, **kwargs)
            except ValueError:
                raise
            except Exception:  # any failure of the server: count locally
                self._skip_shared_until = time.monotonic() + RETRY_AFTER_SECONDS
                logger.warning(
                    "Cache %r unavailable; login throttling counts in this process only.",
                    self._shared_alias,
                    exc_info=True,
                )
        return getattr(self._local, method)(*args, **kwargs)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._call("get", key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set", key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", key, timeout, version)

    def delete(self, key, version=None):
        return self._call("delete", key, version)

    def get_many(self, keys, version=None):
        return self._call("get_many", keys, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set_many", data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._call("delete_many", keys, version)

    def has_key(self, key, version=None):
        return self._call("has_key", key, version)

    def incr(self, key, delta=1, version=None):
        return self._call("incr", key, delta, version)

    def decr(self, key, delta=1, version=None):
        return self._call("decr", key, delta, version)

    def clear(self):
        self._local.clear()
        return self._call("clear")

    def close(self, **kwargs):
        try:
            caches[self._shared_alias].close(**kwargs)
        except Exception:  # noqa: BLE001 - closing a dead connection is not news
            pass
