"""Who must give a one-time code, and the middleware that holds them to it.

django-otp's TOTP device is the second factor (docs/security-auth.md says why):
after the password, a person with a confirmed device is signed in but not yet
*verified*; until they give a code, every page except the code step, the
enrolment page and log-out sends them to the code step. A person who must use
two-factor (platform staff on the root host; members of a company that
requires it) and has no device is sent to enrol first.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpResponseRedirect
from django.urls import reverse
from django_otp import devices_for_user

# Paths an unverified person may still open; everything else waits for the code.
OPEN_PREFIXES = (
    "/admin/two-factor/",
    "/admin/logout/",
    "/admin/jsi18n/",
    "/static/",
    "/healthz",
    "/i18n/",
)


NO_DEVICE_SEEN = "_two_factor_no_device"


def has_device(user) -> bool:
    """A confirmed authenticator (or recovery codes left from one)."""
    return next(devices_for_user(user, confirmed=True), None) is not None


def is_required(request, user) -> bool:
    """Must this person use two-factor on this host?"""
    tenant = getattr(request, "tenant", None)
    if tenant is None:
        return bool(user.is_staff and settings.TWO_FACTOR_REQUIRED_FOR_STAFF)
    return bool(tenant.require_two_factor)


def _with_next(url: str, request) -> str:
    return f"{url}?{urlencode({'next': request.get_full_path()})}"


class TwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not user.is_verified()
            and not request.path.startswith(OPEN_PREFIXES)
        ):
            required = is_required(request, user)
            # Someone without a device and under no rule is looked up once per
            # session, not on every page.
            if required or request.session.get(NO_DEVICE_SEEN) != user.pk:
                if has_device(user):
                    return HttpResponseRedirect(
                        _with_next(reverse("admin:two_factor_verify"), request)
                    )
                if required:
                    return HttpResponseRedirect(
                        _with_next(reverse("admin:two_factor_setup"), request)
                    )
                request.session[NO_DEVICE_SEEN] = user.pk
        return self.get_response(request)


def session_is_verified(user, session) -> bool:
    """Did this session give a code from one of ``user``'s own confirmed devices?

    The same reading django-otp's middleware makes of a request, for places
    without one (the websocket consumer).
    """
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.models import Device

    persistent_id = session.get(DEVICE_ID_SESSION_KEY) if session is not None else None
    if not persistent_id:
        return False
    device = Device.from_persistent_id(persistent_id)
    return device is not None and device.user_id == user.pk and device.confirmed


def second_factor_missing(user, tenant, session) -> bool:
    """Would the workspace send this session to the code step (or to enrol)?"""
    if session_is_verified(user, session):
        return False
    return bool(tenant.require_two_factor) or has_device(user)
