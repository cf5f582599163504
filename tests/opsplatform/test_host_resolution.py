"""Specification: the request's host decides the company (tenancy invariant 2).

Unknown host: a plain 404 page. Suspended company: a page that says so.
The root host: the landlord admin. Every host: /healthz.
"""

from __future__ import annotations

import pytest
from django.test import Client

from tenants import services

pytestmark = pytest.mark.django_db


def _get(host: str, path: str = "/admin/login/", **extra):
    return Client(HTTP_HOST=host).get(path, **extra)


# -- unknown hosts ------------------------------------------------------------------


@pytest.mark.parametrize(
    "host",
    ["nobody.localhost", "nobody.localhost:8000", "acme.localhost.evil.test", "evil.test"],
)
def test_an_unknown_host_gets_a_plain_404_page(tenant_a, host):
    response = _get(host, "/admin/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "There is no workspace at this address." in body
    # Plain: no admin, no login form, no company named.
    assert "<form" not in body
    assert "Acme" not in body


def test_every_path_on_an_unknown_host_is_not_found(tenant_a):
    for path in ["/", "/admin/login/", "/healthz", "/invite/abc/", "/switch/acme/"]:
        assert _get("nobody.localhost", path).status_code == 404, path


def test_a_known_host_is_matched_whatever_its_case_or_port(tenant_a):
    for host in ["acme.localhost", "ACME.localhost", "acme.localhost:8000"]:
        response = _get(host)
        assert response.status_code == 200, host
        assert "Acme Corp" in response.content.decode(), host


def test_a_newly_added_domain_opens_the_workspace_straight_away(tenant_a):
    assert _get("acme-portal.localhost").status_code == 404  # and now cached as unknown
    services.domain_add(tenant=tenant_a, domain="acme-portal.localhost")
    response = _get("acme-portal.localhost")
    assert response.status_code == 200
    assert "Acme Corp" in response.content.decode()


def test_a_custom_domain_opens_its_company(tenant_a, settings):
    settings.ALLOWED_HOSTS = ["*"]  # as in production (settings/production.py)
    services.domain_add(tenant=tenant_a, domain="portal.acme-corp.test")
    response = _get("portal.acme-corp.test")
    assert response.status_code == 200
    assert "Acme Corp" in response.content.decode()


def test_a_removed_domain_stops_opening_the_workspace(tenant_a):
    domain = services.domain_add(tenant=tenant_a, domain="old-acme.localhost")
    assert _get("old-acme.localhost").status_code == 200  # cached as Acme
    domain.delete()
    assert _get("old-acme.localhost").status_code == 404


def test_a_renamed_domain_stops_opening_the_workspace_at_its_old_address(tenant_a):
    domain = services.domain_add(tenant=tenant_a, domain="old-acme.localhost")
    assert _get("old-acme.localhost").status_code == 200  # cached as Acme
    domain.domain = "new-acme.localhost"
    domain.save()
    assert _get("new-acme.localhost").status_code == 200
    assert _get("old-acme.localhost").status_code == 404


# -- suspended companies -------------------------------------------------------------


def test_a_suspended_companys_host_gets_a_page_saying_so(tenant_a, owner_a, client_for):
    assert client_for(tenant_a, owner_a).get("/admin/").status_code == 200  # host now cached
    services.tenant_suspend(tenant=tenant_a, reason="Unpaid invoices")

    response = client_for(tenant_a, owner_a).get("/admin/")
    assert response.status_code == 503
    body = response.content.decode()
    assert "Acme Corp is suspended" in body
    assert "nobody can open it until it is reactivated" in body
    assert "Your roles" not in body  # no dashboard behind it


@pytest.mark.parametrize("path", ["/", "/admin/login/", "/admin/tenants/membership/", "/invite/x/"])
def test_every_page_of_a_suspended_company_is_closed_to_everyone(tenant_a, client_for, path):
    services.tenant_suspend(tenant=tenant_a)
    response = client_for(tenant_a).get(path)
    assert response.status_code == 503
    assert "Acme Corp is suspended" in response.content.decode()


def test_signing_in_to_a_suspended_company_is_not_possible(tenant_a, owner_a, client_for):
    from tests.conftest import PASSWORD

    services.tenant_suspend(tenant=tenant_a)
    client = client_for(tenant_a)
    response = client.post("/admin/login/", {"username": owner_a.email, "password": PASSWORD})
    assert response.status_code == 503
    assert "_auth_user_id" not in client.session


def test_the_suspended_page_speaks_the_companys_language(make_tenant):
    tenant = make_tenant("sahara", "Sahara Trading", default_language="ar")
    services.tenant_suspend(tenant=tenant)
    response = _get("sahara.localhost", "/admin/")
    assert response.status_code == 503
    body = response.content.decode()
    assert 'lang="ar"' in body and 'dir="rtl"' in body
    assert "Sahara Trading" in body


def test_suspending_one_company_leaves_the_others_open(tenant_a, tenant_b, owner_b, client_for):
    services.tenant_suspend(tenant=tenant_a)
    assert client_for(tenant_b, owner_b).get("/admin/").status_code == 200


def test_reactivating_a_company_opens_it_again_at_once(tenant_a, owner_a, client_for):
    services.tenant_suspend(tenant=tenant_a, reason="Unpaid invoices")
    assert client_for(tenant_a, owner_a).get("/admin/").status_code == 503  # suspended, cached

    services.tenant_reactivate(tenant=tenant_a)

    response = client_for(tenant_a, owner_a).get("/admin/")
    assert response.status_code == 200
    assert "Acme Corp" in response.content.decode()


# -- the root host ------------------------------------------------------------------


@pytest.mark.parametrize("host", ["localhost", "localhost:8000", "www.localhost", "127.0.0.1"])
def test_the_root_host_serves_the_landlord_admin_login(tenant_a, host):
    response = _get(host, "/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")

    response = _get(host, "/admin/login/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Platform administration" in body
    assert "Acme Corp" not in body


def test_the_root_address_leads_to_the_landlord_admin(db):
    response = _get("localhost", "/")
    assert response.status_code == 302
    assert response["Location"] == "/admin/"


# -- health ---------------------------------------------------------------------------


@pytest.mark.parametrize("host", ["localhost", "acme.localhost"])
def test_healthz_answers_200_json_with_the_database_ok(tenant_a, host):
    response = _get(host, "/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"] == "ok"  # every part: tests/opsplatform/test_healthz.py
    assert "no-store" in response["Cache-Control"]
