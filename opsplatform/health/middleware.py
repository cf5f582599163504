"""Answer /healthz first, before any middleware that needs the database.

Installed at the top of MIDDLEWARE: the tenancy middleware opens a database
transaction for every request (with the database down, that is a 500), and
the security middleware would redirect a load balancer's plain-HTTP probe to
HTTPS. The host still decides as everywhere else: an unknown host gets the
tenancy middleware's 404; a host that cannot be resolved because the cache
and the database are both down gets the health answer, which says so.
"""

from __future__ import annotations

import logging

from opsplatform.tenancy.resolver import resolve_host

logger = logging.getLogger(__name__)
HEALTHZ_PATH = "/healthz"


class HealthCheckMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info != HEALTHZ_PATH or not self._known_host(request):
            return self.get_response(request)
        from opsplatform.views import healthz

        return healthz(request)

    @staticmethod
    def _known_host(request) -> bool:
        raw_host = request.META.get("HTTP_HOST") or request.META.get("SERVER_NAME", "")
        try:
            return resolve_host(raw_host).kind != "unknown"
        except Exception:  # resolution needs the database; /healthz reports it
            logger.warning("Host %r not resolved for /healthz.", raw_host, exc_info=True)
            return True
