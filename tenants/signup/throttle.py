"""A little rate limiting for sign-up: fixed-window counters in the shared cache.

Enough to stop one address from mailing a stranger's inbox full or scripting
thousands of checks; not a defence against a botnet. When the cache errors
(Redis down) nothing is counted and the request goes on: sign-up degrades to
unthrottled rather than closed (docs/reliability.md).
"""

from __future__ import annotations

import logging

from opsplatform.accounts.throttle import client_ip
from opsplatform.tenancy.context import tenant_context

log = logging.getLogger(__name__)

# (how many, per how many seconds)
SIGNUPS_PER_IP = (10, 3600)
EMAILS_PER_ADDRESS = (3, 3600)
CHECKS_PER_IP = (60, 60)


def _hit(key: str, limit: tuple[int, int]) -> bool:
    """Count one more in ``key``'s window; False once it is past the limit."""
    from django.core.cache import cache

    most, seconds = limit
    try:
        # The root host has no tenant; say so, so the key is the same from anywhere.
        with tenant_context(None):
            cache.add(key, 0, seconds)
            count = cache.incr(key)
    except Exception:  # any cache failure: do not block sign-up on it
        log.warning("sign-up throttle: cache unavailable, not counting %s", key, exc_info=True)
        return True
    return count <= most


def allow_signup(request, *, email: str) -> bool:
    ip = client_ip(request) or "-"
    # Both windows count each try, so a blocked address does not get its count back.
    by_ip = _hit(f"signup:ip:{ip}", SIGNUPS_PER_IP)
    by_email = _hit(f"signup:email:{email.lower()}", EMAILS_PER_ADDRESS)
    return by_ip and by_email


def allow_check(request) -> bool:
    return _hit(f"signup:check:{client_ip(request) or '-'}", CHECKS_PER_IP)
