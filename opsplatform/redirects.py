"""Where to go after a POST: the ``next`` the page asked for, if it stays on this host."""

from __future__ import annotations

from django.http import HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request, candidate: str | None, fallback: str) -> str:
    """``candidate`` when it is a path or URL on this request's host (and scheme,
    on HTTPS), else ``fallback``: a ``next`` parameter never sends a person off-site."""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return fallback


def redirect_next(request, fallback: str, *, field: str = "next") -> HttpResponseRedirect:
    """Redirect to the POST's (or else the query's) ``next``, or to ``fallback``."""
    candidate = request.POST.get(field) or request.GET.get(field)
    return HttpResponseRedirect(safe_next(request, candidate, fallback))
