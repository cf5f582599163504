"""Login throttling: django-axes with its cache handler, and our backoff and lockout page.

Why the cache handler (``AXES_HANDLER``): the tenancy middleware runs each
request in one database transaction, so a failure row written by axes's
database handler would vanish with any request that later rolls back. Cache
writes are not transactional, and with ``REDIS_URL`` every process and host
shares them. The ``axes`` cache alias has no tenant key function on purpose:
an account's failures count the same on every company's host and on the root.

Failures are counted per account (the lower-cased email) and per client
address; either reaching ``AXES_FAILURE_LIMIT`` locks that key. Each lockout of
the same account or address within a day doubles the next cool-off (backoff),
up to ``AXES_COOLOFF_MAX_MINUTES``.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

from axes.handlers.cache import AxesCacheHandler
from axes.helpers import get_client_cache_keys
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.core.cache import caches
from django.dispatch import receiver
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

STRIKE_WINDOW_SECONDS = 24 * 3600


class CacheHandler(AxesCacheHandler):
    """axes's cache handler, with the end of each count also kept as a timestamp.

    Cache expiry runs on the cache server's clock (Redis's, in production);
    the timestamp runs on the application's, so a lock ends exactly when the
    message said it would, on every cache backend (and tests can move time).

    The cache is looked up on each use, not held from start-up: Django's cache
    instances belong to a thread, and settings (tests) may swap the backend.
    With Redis down it is this process's memory (accounts.throttle_cache)."""

    @property
    def cache(self):
        return _cache()

    @cache.setter
    def cache(self, value):
        pass  # axes's __init__ assigns it; the property above answers instead.

    def _stale(self, request, credentials) -> list[str]:
        keys = get_client_cache_keys(request, credentials)
        ends = self.cache.get_many([f"{key}:ends" for key in keys])
        now = timezone.now().timestamp()
        stale = [key for key in keys if ends.get(f"{key}:ends", now + 1) <= now]
        if stale:
            self.cache.delete_many(stale + [f"{key}:ends" for key in stale])
        return stale

    def get_failures(self, request, credentials=None) -> int:
        self._stale(request, credentials)
        return super().get_failures(request, credentials)

    def user_login_failed(self, sender, credentials, request=None, **kwargs):
        if request is not None:
            self._stale(request, credentials)
        super().user_login_failed(sender, credentials, request=request, **kwargs)
        # None: axes did not count this attempt (made during a lockout).
        if request is not None and getattr(request, "axes_failures_since_start", None):
            delta = cool_off(request)
            ends = (timezone.now() + delta).timestamp()
            timeout = int(delta.total_seconds()) + 60
            self.cache.set_many(
                {f"{key}:ends": ends for key in get_client_cache_keys(request, credentials)},
                timeout,
            )


def _cache():
    return caches[settings.AXES_CACHE]


def normalise(username: str | None) -> str | None:
    return (username or "").strip().lower() or None


def username_of(request, credentials: dict | None = None) -> str | None:
    """AXES_USERNAME_CALLABLE: the account an attempt is for, however the form names it."""
    if credentials and credentials.get("username"):
        return normalise(credentials["username"])
    if isinstance(getattr(request, "username", None), str):
        # An AccessAttempt, as axes's reset commands pass.
        return normalise(request.username)
    explicit = getattr(request, "throttle_username", None)
    if explicit:
        return normalise(explicit)
    data = getattr(request, "POST", None) or {}
    return normalise(data.get("username"))


def client_ip(request) -> str | None:
    """AXES_CLIENT_IP_CALLABLE: the address our own proxies saw, never one the client wrote.

    X-Forwarded-For is read only from the right, as far as ``TRUSTED_PROXY_COUNT``
    proxies appended to it; anything further left is the client's own claim."""
    count = settings.TRUSTED_PROXY_COUNT
    if count > 0:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        hops = [hop for hop in hops if hop]
        if len(hops) >= count:
            return hops[-count]
    return request.META.get("REMOTE_ADDR")


def lockout_parameters(request, credentials: dict | None = None) -> list:
    """AXES_LOCKOUT_PARAMETERS: per account and per address; address only when no account."""
    if username_of(request, credentials):
        return ["username", "ip_address"]
    return ["ip_address"]


def _strike_keys(request) -> list[str]:
    keys = [f"strikes:ip:{getattr(request, 'axes_ip_address', None) or '-'}"]
    username = username_of(request, getattr(request, "axes_credentials", None))
    if username:
        keys.append(f"strikes:user:{username}")
    return keys


def cool_off(request) -> timedelta:
    """AXES_COOLOFF_TIME: the base cool-off, doubled for each earlier lockout today.

    Computed once per request so that the lock's lifetime and the time the
    message announces are the same figure."""
    cached = getattr(request, "_throttle_cool_off", None)
    if cached is not None:
        return cached
    strikes = max((_cache().get(key, 0) for key in _strike_keys(request)), default=0)
    minutes = min(
        settings.AXES_COOLOFF_MINUTES * (2 ** min(strikes, 16)),
        settings.AXES_COOLOFF_MAX_MINUTES,
    )
    value = timedelta(minutes=minutes)
    request._throttle_cool_off = value
    return value


def _until_keys(request) -> list[str]:
    return [key.replace("strikes:", "until:", 1) for key in _strike_keys(request)]


def _connect_strikes() -> None:
    from axes.signals import user_locked_out

    @receiver(user_locked_out, dispatch_uid="opsplatform.accounts.strike")
    def remember_lockout(sender, request=None, **kwargs):
        # axes sends this again for each attempt during a lockout; only the
        # attempt that reached the limit counts a strike (it alone has a count).
        if request is None or getattr(request, "axes_failures_since_start", None) is None:
            return
        cache = _cache()
        delta = cool_off(request)
        until = timezone.now() + delta
        for key in _strike_keys(request):
            if not cache.add(key, 1, STRIKE_WINDOW_SECONDS):
                cache.incr(key)
                cache.touch(key, STRIKE_WINDOW_SECONDS)
        for key in _until_keys(request):
            cache.set(key, until.timestamp(), int(delta.total_seconds()))


def locked_until(request):
    """When the lock on this account or address ends, as announced."""
    now = timezone.now().timestamp()
    stamps = [s for s in _cache().get_many(_until_keys(request)).values() if s and s > now]
    if stamps:
        return datetime.fromtimestamp(max(stamps), tz=UTC)
    return timezone.now() + cool_off(request)


def lockout_message(request) -> str:
    until = locked_until(request)
    minutes = max(1, math.ceil((until - timezone.now()).total_seconds() / 60))
    return ngettext(
        "Too many failed attempts. For your security, signing in is paused: "
        "try again in %(minutes)d minute (after %(time)s).",
        "Too many failed attempts. For your security, signing in is paused: "
        "try again in %(minutes)d minutes (after %(time)s).",
        minutes,
    ) % {"minutes": minutes, "time": timezone.localtime(until).strftime("%H:%M %Z")}


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: a page in the product's style, 429, saying when to retry."""
    from opsplatform.admin.sites import landlord_site, tenant_site

    site = tenant_site if getattr(request, "tenant", None) is not None else landlord_site
    return render(
        request,
        "accounts/locked_out.html",
        {
            **site.each_context(request),
            "message": lockout_message(request),
            "title": _("Signing in is paused"),
        },
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )


# -- for forms that check a password (or a code) without ``authenticate()`` ---


def is_locked(request, username: str) -> bool:
    from axes.handlers.proxy import AxesProxyHandler

    request.throttle_username = username
    locked = not AxesProxyHandler.is_allowed(request, {"username": username})
    if locked:
        request.axes_locked_out = True
        request.axes_credentials = {"username": username}
    return locked


def record_failure(request, username: str | None) -> None:
    """Count a wrong password or code as a failed login for this account and address.

    The signal is the one ``authenticate()`` sends, so axes counts it (and locks
    the request out when it reaches the limit) exactly as for the login form."""
    request.throttle_username = username
    user_login_failed.send(
        sender=__name__, credentials={"username": username or ""}, request=request
    )


def reset(request, username: str) -> None:
    from axes.handlers.proxy import AxesProxyHandler

    AxesProxyHandler.update_request(request)
    AxesProxyHandler.reset_attempts(username=normalise(username))
