"""Degrade, don't fail (issue 9): with the shared cache down, host resolution
falls back to the database and company pages keep answering."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client, override_settings

from opsplatform.tenancy.resolver import forget_process_cache, resolve_host
from tenants import services

pytestmark = pytest.mark.django_db

BROKEN = {
    **settings.CACHES,
    "default": {
        "BACKEND": "tests.broken_cache.BrokenCache",
        "KEY_FUNCTION": "opsplatform.tenancy.cache.make_key",
    },
}


@override_settings(CACHES=BROKEN)
def test_a_company_page_answers_when_the_cache_is_down(tenant_a):
    response = Client(HTTP_HOST="acme.localhost").get("/admin/login/")
    assert response.status_code == 200
    assert "Acme Corp" in response.content.decode()


@override_settings(CACHES=BROKEN)
def test_unknown_and_suspended_hosts_still_answer_as_such(tenant_a, platform_admin):
    assert Client(HTTP_HOST="nobody.localhost").get("/admin/").status_code == 404
    services.tenant_suspend(tenant=tenant_a, reason="unpaid", by=platform_admin)
    forget_process_cache()
    assert Client(HTTP_HOST="acme.localhost").get("/admin/login/").status_code == 503


def test_the_process_remembers_a_host_for_a_few_seconds(tenant_a, django_assert_num_queries):
    assert resolve_host("acme.localhost").tenant.pk == tenant_a.pk
    with override_settings(CACHES=BROKEN), django_assert_num_queries(0):
        # Neither the shared cache nor the database is asked again.
        assert resolve_host("acme.localhost").tenant.pk == tenant_a.pk


def test_each_request_gets_its_own_copy_of_the_company(tenant_a):
    first = resolve_host("acme.localhost").tenant
    first.name = "Changed in one request"
    assert resolve_host("acme.localhost").tenant.name == "Acme Corp"


def test_a_renamed_domain_stops_resolving_in_this_process_at_once(tenant_a):
    assert resolve_host("acme.localhost").kind == "tenant"
    domain = tenant_a.domains.get()
    domain.domain = "acme-renamed.localhost"
    domain.save()
    assert resolve_host("acme.localhost").kind == "unknown"
    assert resolve_host("acme-renamed.localhost").tenant.pk == tenant_a.pk
