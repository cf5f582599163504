"""Invitations, the first owner, and moving between companies."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from freezegun import freeze_time

from opsplatform.tenancy import tenant_context
from tenants.models import Domain, Invitation, Membership, Tenant, User
from tenants.roles import RoleCode
from tenants.selectors import workspaces_for
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

LINK = re.compile(r"http://(?P<host>[a-z.]+):8000(?P<path>/invite/[^/\s]+/)")


def _invite(client, email, roles, capture):
    with capture(execute=True):
        return client.post("/admin/tenants/invitation/add/", {"email": email, "roles": roles})


def _link(message):
    match = LINK.search(message.body)
    assert match, message.body
    return match["host"], match["path"]


def test_owner_invites_and_the_new_person_sets_a_password_and_lands_in_the_workspace(
    tenant_a, owner_a, client_for, django_capture_on_commit_callbacks
):
    response = _invite(
        client_for(tenant_a, owner_a),
        "new@acme.test",
        ["hr", "employee"],
        django_capture_on_commit_callbacks,
    )
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["new@acme.test"]
    host, path = _link(mail.outbox[0])
    assert host == "acme.localhost"

    visitor = client_for(tenant_a)
    assert "Choose a password" in visitor.get(path).content.decode()
    response = visitor.post(
        path,
        {"full_name": "Nia New", "password": "a-Long-pass-42", "password_again": "a-Long-pass-42"},
    )
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert "Acme Corp" in visitor.get("/admin/").content.decode()
    with tenant_context(tenant_a):
        member = Membership.objects.get(user__email="new@acme.test")
        assert member.role_codes() == {RoleCode.HR, RoleCode.EMPLOYEE}


def test_a_used_link_changes_nothing_the_second_time(
    tenant_a, owner_a, client_for, django_capture_on_commit_callbacks
):
    _invite(
        client_for(tenant_a, owner_a),
        "once@acme.test",
        ["employee"],
        django_capture_on_commit_callbacks,
    )
    _host, path = _link(mail.outbox[0])
    data = {"full_name": "", "password": "a-Long-pass-42", "password_again": "a-Long-pass-42"}
    client_for(tenant_a).post(path, data)
    response = client_for(tenant_a).post(path, data)
    assert response.status_code == 410
    assert "accepted" in response.content.decode().lower()
    assert User.objects.filter(email="once@acme.test").count() == 1


def test_expired_and_revoked_invitations_are_refused(
    tenant_a, owner_a, client_for, django_capture_on_commit_callbacks
):
    _invite(
        client_for(tenant_a, owner_a),
        "late@acme.test",
        ["employee"],
        django_capture_on_commit_callbacks,
    )
    _host, path = _link(mail.outbox[0])
    with freeze_time(timezone.now() + timedelta(days=8)):
        response = client_for(tenant_a).get(path)
    assert response.status_code == 410 and "expired" in response.content.decode().lower()

    with tenant_context(tenant_a):
        invitation = Invitation.objects.get(email="late@acme.test")
        invitation.revoked_at = timezone.now()
        invitation.save()
    assert client_for(tenant_a).get(path).status_code == 410
    assert not User.objects.filter(email="late@acme.test").exists()


def test_a_link_for_acme_is_not_found_on_globex_and_a_forged_one_nowhere(
    tenant_a, tenant_b, owner_a, client_for, django_capture_on_commit_callbacks
):
    _invite(
        client_for(tenant_a, owner_a),
        "x@acme.test",
        ["employee"],
        django_capture_on_commit_callbacks,
    )
    _host, path = _link(mail.outbox[0])
    assert client_for(tenant_b).get(path).status_code == 404
    assert client_for(tenant_a).get(path[:-3] + "xx/").status_code == 404


def test_someone_from_globex_joins_acme_with_their_existing_password(
    tenant_a, tenant_b, owner_a, owner_b, client_for, django_capture_on_commit_callbacks
):
    _invite(
        client_for(tenant_a, owner_a),
        owner_b.email,
        ["finance"],
        django_capture_on_commit_callbacks,
    )
    _host, path = _link(mail.outbox[0])
    visitor = client_for(tenant_a)
    assert "already have an account" in visitor.get(path).content.decode()
    assert "password" in visitor.post(path, {"password": "wrong-pass-1"}).content.decode().lower()
    response = visitor.post(path, {"password": PASSWORD})
    assert response.status_code == 302
    assert len(workspaces_for(user=owner_b)) == 2


def test_hr_cannot_invite_an_owner(
    tenant_a, make_member, client_for, django_capture_on_commit_callbacks
):
    hr = make_member(tenant_a, "hr@acme.test", roles=[RoleCode.HR])
    response = _invite(
        client_for(tenant_a, hr), "boss@acme.test", ["owner"], django_capture_on_commit_callbacks
    )
    assert response.status_code == 200
    assert "Only an owner can give the owner or CEO role." in response.content.decode()
    assert not mail.outbox


def test_inviting_a_current_member_or_twice_is_a_form_error(
    tenant_a, owner_a, make_member, client_for, django_capture_on_commit_callbacks
):
    make_member(tenant_a, "here@acme.test")
    client = client_for(tenant_a, owner_a)
    response = _invite(client, "here@acme.test", ["employee"], django_capture_on_commit_callbacks)
    assert "already a member of this company" in response.content.decode()
    _invite(client, "twice@acme.test", ["employee"], django_capture_on_commit_callbacks)
    response = _invite(client, "twice@acme.test", ["employee"], django_capture_on_commit_callbacks)
    assert response.status_code == 200
    assert "already has an open invitation" in response.content.decode()
    with tenant_context(tenant_a):
        assert Invitation.objects.filter(email="twice@acme.test").count() == 1


def test_platform_staff_create_a_company_and_invite_its_owner(
    platform_admin, client_for, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(None, platform_admin).post(
            "/admin/tenants/tenant/add/",
            {
                "name": "Initech",
                "slug": "initech",
                "time_zone": "UTC",
                "currency": "USD",
                "default_language": "en",
                "owner_email": "bill@initech.test",
                "domains-TOTAL_FORMS": "0",
                "domains-INITIAL_FORMS": "0",
            },
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    tenant = Tenant.objects.get(slug="initech")
    assert Domain.objects.get(tenant=tenant, is_primary=True).domain == "initech.localhost"
    host, _path = _link(mail.outbox[0])
    assert host == "initech.localhost" and mail.outbox[0].to == ["bill@initech.test"]


def test_a_member_of_both_companies_moves_between_them_from_the_header(
    tenant_a, tenant_b, make_member, client_for
):
    shared = make_member(tenant_a, "shared@demo.test")
    make_member(tenant_b, "shared@demo.test", user=shared)
    at_acme = client_for(tenant_a, shared)
    assert "Globex Ltd" in at_acme.get("/admin/").content.decode()

    response = at_acme.get("/switch/globex/")
    assert response.status_code == 200
    assert response.context["action"] == "http://globex.localhost:8000/handoff/"
    token = response.context["token"]

    def arrive(client):
        return client.post("/handoff/", {"token": token}, HTTP_ORIGIN="http://acme.localhost:8000")

    at_globex = client_for(tenant_b)
    response = arrive(at_globex)
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert "Globex Ltd" in at_globex.get("/admin/").content.decode()
    # One use only.
    assert arrive(client_for(tenant_b)).status_code == 404


def test_switching_to_a_company_you_do_not_belong_to_is_not_found(
    tenant_a, tenant_b, owner_a, client_for
):
    assert client_for(tenant_a, owner_a).get("/switch/globex/").status_code == 404


def test_choosing_arabic_is_remembered_and_pages_turn_right_to_left(tenant_a, owner_a, client_for):
    client = client_for(tenant_a, owner_a)
    client.post("/i18n/language/", {"language": "ar", "next": "/admin/"})
    owner_a.refresh_from_db()
    assert owner_a.language == "ar"
    fresh = client_for(tenant_a, owner_a)  # no language cookie: the saved choice applies
    assert 'dir="rtl"' in fresh.get("/admin/").content.decode()
