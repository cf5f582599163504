"""Platform endpoints shared by both hosts: health and the language switch."""

from __future__ import annotations

import logging

from django.conf import settings
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from opsplatform.health import checks as health_checks

logger = logging.getLogger(__name__)


@never_cache
def healthz(request):
    """Each dependency by name: 200 when all answer (or only the worker is late), else 503.

    Reached through opsplatform.health.middleware, ahead of the tenancy
    middleware's transaction, so a database that is down is reported, not a 500.
    """
    report = health_checks.run()
    if report["failing"]:
        logger.warning("healthz %s: %s", report["status"], report["checks"])
    return JsonResponse(report, status=503 if report["status"] == "error" else 200)


@require_POST
def language_switch(request):
    """Django's set_language, and the choice is remembered on the person too."""
    response = set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        from tenants.services import user_set_language

        user_set_language(user=request.user, language=language)
    return response
