"""Sessions end after a spell of inactivity and after a fixed lifetime.

Two timestamps live in the session: when the person signed in and when we
last saw them. The "last seen" one is rewritten at most once per
``SESSION_ACTIVITY_RESOLUTION_SECONDS``, so a page that polls does not save
the session on every request; the idle limit is therefore exact to within
that resolution.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _

STARTED = "_session_started"
SEEN = "_session_seen"


def _now() -> float:
    return timezone.now().timestamp()


@receiver(user_logged_in, dispatch_uid="opsplatform.accounts.session_start")
def start_clock(sender, request, user, **kwargs):
    session = getattr(request, "session", None)
    if session is not None:
        now = _now()
        session[STARTED] = now
        session[SEEN] = now


class SessionTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and session.get(SESSION_KEY) is not None:
            self._check(request, session)
        return self.get_response(request)

    def _check(self, request, session) -> None:
        now = _now()
        started = session.get(STARTED)
        seen = session.get(SEEN)
        if started is None or seen is None:
            # A session from before these clocks existed: start them now.
            session[STARTED] = session[SEEN] = now
            return
        if now - started > settings.SESSION_ABSOLUTE_LIFETIME_SECONDS:
            self._end(request, _("Your session has ended. Please sign in again."))
        elif now - seen > settings.SESSION_IDLE_TIMEOUT_SECONDS:
            self._end(
                request,
                _("You were signed out after a period of inactivity. Please sign in again."),
            )
        elif now - seen >= settings.SESSION_ACTIVITY_RESOLUTION_SECONDS:
            session[SEEN] = now

    def _end(self, request, message: str) -> None:
        logout(request)
        messages.info(request, message)
