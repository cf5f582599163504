"""Who gets into which workspace, and what the wrong host answers."""

from __future__ import annotations

import pytest

from opsplatform.tenancy import tenant_context
from tenants import services
from tenants.models import Membership
from tenants.roles import RoleCode
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_unknown_host_gets_a_plain_404(client):
    response = client.get("/admin/", HTTP_HOST="nobody.localhost")
    assert response.status_code == 404
    assert b"There is no workspace at this address" in response.content


def test_anonymous_visitor_is_sent_to_the_login_page(tenant_a, client_for):
    response = client_for(tenant_a).get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_member_sees_their_company_dashboard(tenant_a, owner_a, client_for):
    response = client_for(tenant_a, owner_a).get("/admin/")
    assert response.status_code == 200
    assert "Acme Corp" in response.content.decode()


def test_member_of_acme_is_refused_at_globex_logged_in_or_not(
    tenant_a, tenant_b, owner_a, client_for
):
    assert client_for(tenant_b, owner_a).get("/admin/").status_code == 302
    response = client_for(tenant_b).post(
        "/admin/login/", {"username": owner_a.email, "password": PASSWORD, "next": "/admin/"}
    )
    assert response.status_code == 200
    assert "This account does not belong to Globex Ltd." in response.content.decode()


def test_deactivated_member_is_refused(tenant_a, owner_a, make_member, client_for):
    former = make_member(tenant_a, "former@acme.test")
    with tenant_context(tenant_a):
        services.membership_deactivate(membership=Membership.objects.get(user=former), by=owner_a)
    assert client_for(tenant_a, former).get("/admin/").status_code == 302


def test_suspended_company_shows_a_page_saying_so(tenant_a, owner_a, client_for):
    services.tenant_suspend(tenant=tenant_a, reason="Unpaid")
    response = client_for(tenant_a, owner_a).get("/admin/")
    assert response.status_code == 503
    assert "Acme Corp is suspended" in response.content.decode()
    services.tenant_reactivate(tenant=tenant_a)
    assert client_for(tenant_a, owner_a).get("/admin/").status_code == 200


def test_landlord_admin_is_for_platform_staff_only(tenant_a, owner_a, platform_admin, client_for):
    assert client_for(None, owner_a).get("/admin/").status_code == 302
    assert client_for(None, platform_admin).get("/admin/tenants/tenant/").status_code == 200


def test_each_site_exists_only_on_its_own_host(tenant_a, owner_a, platform_admin, client_for):
    assert client_for(tenant_a, owner_a).get("/admin/tenants/tenant/").status_code == 404
    assert client_for(None, platform_admin).get("/admin/tenants/membership/").status_code == 404


def test_owner_cannot_touch_another_companys_memberships(
    tenant_a, tenant_b, owner_a, owner_b, client_for
):
    with tenant_context(tenant_b):
        theirs = Membership.objects.get(user=owner_b)
    client = client_for(tenant_a, owner_a)
    url = f"/admin/tenants/membership/{theirs.pk}/change/"
    assert client.get(url).status_code == 404
    assert client.post(url, {"roles": ["employee"]}).status_code == 404
    with tenant_context(tenant_b):
        assert Membership.objects.get(pk=theirs.pk).role_codes() == {RoleCode.OWNER}


def test_hr_sees_members_but_cannot_change_roles(tenant_a, owner_a, make_member, client_for):
    hr = make_member(tenant_a, "hr@acme.test", roles=[RoleCode.HR])
    with tenant_context(tenant_a):
        owner_membership = Membership.objects.get(user=owner_a)
    client = client_for(tenant_a, hr)
    assert client.get("/admin/tenants/membership/").status_code == 200
    response = client.post(
        f"/admin/tenants/membership/{owner_membership.pk}/change/", {"roles": ["employee"]}
    )
    assert response.status_code == 403
    with tenant_context(tenant_a):
        assert owner_membership.role_codes() == {RoleCode.OWNER}


def test_plain_employee_has_no_members_page(tenant_a, make_member, client_for):
    employee = make_member(tenant_a, "emp@acme.test")
    assert client_for(tenant_a, employee).get("/admin/tenants/membership/").status_code == 403


def test_healthz_reports_the_database(client):
    response = client.get("/healthz", HTTP_HOST="localhost")
    assert response.status_code == 200
    assert response.json()["checks"]["database"] == "ok"
