"""A cache backend that fails every call, as Redis does when it is down.

Tests install it with override_settings(CACHES=...) to prove that pages
degrade instead of failing; a stopped shared server would disturb other runs.
"""

from __future__ import annotations

from django.core.cache.backends.base import BaseCache


class CacheDown(ConnectionError):
    pass


class BrokenCache(BaseCache):
    def __init__(self, location, params):
        super().__init__(params)
        self.calls = 0

    def _fail(self, *args, **kwargs):
        raise CacheDown("Error 111 connecting to 127.0.0.1:6399. Connection refused.")

    add = get = set = touch = delete = clear = incr = decr = _fail
    get_many = set_many = delete_many = has_key = _fail
