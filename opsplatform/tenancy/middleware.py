"""Resolve the company from the request's host before anything else runs.

- the platform's root domain: the landlord URLconf, no tenant;
- a tenant's domain: the tenant URLconf, the tenant set for the request;
- a suspended tenant's domain: a page that says so (503);
- any other host: a plain 404 page.

The rest of the request runs in one transaction (instead of ATOMIC_REQUESTS,
which only wraps the view): sessions, messages and history rows commit or roll
back with the view's writes.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.http import HttpResponse, HttpResponseNotFound
from django.template.loader import render_to_string
from django.utils import translation

from opsplatform.tenancy.context import reset_current_tenant, set_current_tenant
from opsplatform.tenancy.resolver import resolve_host


class TenantMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # META, not get_host(): unknown hosts are answered here, before
        # Django's ALLOWED_HOSTS check could turn them into a 400.
        raw_host = request.META.get("HTTP_HOST") or request.META.get("SERVER_NAME", "")
        resolution = resolve_host(raw_host)
        request.tenant = None
        request.is_landlord_host = resolution.kind == "root"

        if resolution.kind == "unknown":
            return HttpResponseNotFound(
                render_to_string("tenancy/unknown_host.html", {"host": raw_host}),
            )
        tenant = resolution.tenant
        if tenant is not None and not tenant.is_active:
            with translation.override(tenant.default_language):
                return suspended_response(tenant)
        if tenant is None:
            request.urlconf = settings.LANDLORD_URLCONF
        request.tenant = tenant

        token = set_current_tenant(tenant)
        try:
            # The database backend scopes the connection to this tenant (or, on
            # the root host, to none) before the first query.
            with transaction.atomic():
                return self.get_response(request)
        finally:
            reset_current_tenant(token)


def suspended_response(tenant) -> HttpResponse:
    body = render_to_string("tenancy/suspended.html", {"tenant": tenant})
    response = HttpResponse(body, status=503)
    response["Retry-After"] = "86400"
    return response
