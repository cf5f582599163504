"""Specification: inviting people into a company, and accepting the invitation.

An owner (or HR, within limits) invites by email from the workspace admin; the
email carries a signed link to the company's own host; following it, a new
person sets a password and an existing one proves who they are. Closed,
foreign or forged links change nothing.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from freezegun import freeze_time

from opsplatform.tenancy import tenant_context
from tenants import services
from tenants.links import handoff_token
from tenants.models import Domain, Invitation, Membership, Tenant, User
from tenants.roles import RoleCode
from tenants.selectors import workspaces_for
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

LINK = re.compile(r"http://(?P<host>[a-z0-9.-]+):8000(?P<path>/invite/(?P<token>[^/\s\"<]+)/)")
NEW_PASSWORD = "a-Long-pass-42"


@pytest.fixture
def invite(django_capture_on_commit_callbacks):
    """Post the admin's "add invitation" form, running on-commit work (the email)."""

    def post(client, email, roles):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post("/admin/tenants/invitation/add/", {"email": email, "roles": roles})

    return post


@pytest.fixture
def acme_owner(tenant_a, owner_a, client_for):
    return client_for(tenant_a, owner_a)


def _link(message) -> tuple[str, str]:
    match = LINK.search(message.body)
    assert match, message.body
    return match["host"], match["path"]


def _invitation(tenant, email) -> Invitation:
    with tenant_context(tenant):
        return Invitation.objects.get(email=email)


def _membership(tenant, email) -> Membership | None:
    with tenant_context(tenant):
        return Membership.objects.filter(user__email=email).first()


def _new_person(full_name="Nia New", password=NEW_PASSWORD, again=None):
    return {"full_name": full_name, "password": password, "password_again": again or password}


# -- sending -------------------------------------------------------------------------


def test_owner_invites_through_the_admin_form_and_one_email_goes_out(
    tenant_a, owner_a, acme_owner, invite
):
    response = invite(acme_owner, "new@acme.test", ["hr", "employee"])

    assert response.status_code == 302
    assert response["Location"] == "/admin/tenants/invitation/"
    invitation = _invitation(tenant_a, "new@acme.test")
    assert sorted(invitation.roles) == ["employee", "hr"]
    assert invitation.invited_by == owner_a
    assert invitation.status == Invitation.Status.PENDING

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["new@acme.test"]
    assert message.subject == "You are invited to join Acme Corp"
    host, path = _link(message)
    assert host == "acme.localhost"
    assert re.fullmatch(r"/invite/[^/]+/", path)
    assert f"http://acme.localhost:8000{path}" in message.alternatives[0][0]


def test_the_invitations_list_shows_the_new_invitation_and_a_confirmation(acme_owner, invite):
    invite(acme_owner, "listed@acme.test", ["employee"])
    response = acme_owner.get("/admin/tenants/invitation/")
    body = response.content.decode()
    assert "listed@acme.test" in body
    assert "Invitation sent to listed@acme.test." in body


def test_no_email_is_sent_when_the_invitation_is_refused(
    tenant_a, owner_a, make_member, acme_owner, invite
):
    make_member(tenant_a, "here@acme.test")
    invite(acme_owner, "here@acme.test", ["employee"])
    assert mail.outbox == []


# -- accepting as a new person ---------------------------------------------------------


def test_following_the_link_as_a_new_person_shows_the_set_password_form(
    tenant_a, acme_owner, invite, client_for
):
    invite(acme_owner, "new@acme.test", ["employee"])
    _host, path = _link(mail.outbox[0])
    response = client_for(tenant_a).get(path)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Join Acme Corp" in body
    assert "Choose a password" in body
    assert 'name="password"' in body and 'name="password_again"' in body


def test_setting_a_password_creates_the_account_and_membership_and_signs_in(
    tenant_a, acme_owner, invite, client_for
):
    invite(acme_owner, "new@acme.test", ["hr", "employee"])
    _host, path = _link(mail.outbox[0])
    visitor = client_for(tenant_a)

    response = visitor.post(path, _new_person())

    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    user = User.objects.get(email="new@acme.test")
    assert user.full_name == "Nia New"
    assert user.check_password(NEW_PASSWORD)
    membership = _membership(tenant_a, "new@acme.test")
    assert membership.is_active
    with tenant_context(tenant_a):
        assert membership.role_codes() == {RoleCode.HR, RoleCode.EMPLOYEE}
    assert _invitation(tenant_a, "new@acme.test").status == Invitation.Status.ACCEPTED

    dashboard = visitor.get("/admin/")
    assert dashboard.status_code == 200
    body = dashboard.content.decode()
    assert "Welcome to Acme Corp." in body
    assert "Your roles" in body


def test_joining_leaves_a_history_entry_with_the_reason(tenant_a, acme_owner, invite, client_for):
    invite(acme_owner, "new@acme.test", ["employee"])
    _host, path = _link(mail.outbox[0])
    client_for(tenant_a).post(path, _new_person())
    membership = _membership(tenant_a, "new@acme.test")
    with tenant_context(tenant_a):
        created = Membership.history.get(id=membership.pk, history_type="+")
    assert created.history_change_reason == "Joined by invitation"
    assert created.tenant_id == tenant_a.pk


def test_passwords_that_differ_are_a_form_error_and_create_nothing(
    tenant_a, acme_owner, invite, client_for
):
    invite(acme_owner, "new@acme.test", ["employee"])
    _host, path = _link(mail.outbox[0])
    response = client_for(tenant_a).post(path, _new_person(again="another-Pass-99"))
    assert response.status_code == 200
    assert "The two passwords differ." in response.content.decode()
    assert not User.objects.filter(email="new@acme.test").exists()
    assert _invitation(tenant_a, "new@acme.test").status == Invitation.Status.PENDING


def test_a_weak_password_is_a_form_error_and_creates_nothing(
    tenant_a, acme_owner, invite, client_for
):
    invite(acme_owner, "new@acme.test", ["employee"])
    _host, path = _link(mail.outbox[0])
    response = client_for(tenant_a).post(path, _new_person(password="12345678"))
    assert response.status_code == 200
    assert "This password is too common." in response.content.decode()
    assert not User.objects.filter(email="new@acme.test").exists()


# -- closed invitations ----------------------------------------------------------------


def test_a_used_invitation_is_refused_and_changes_nothing(tenant_a, acme_owner, invite, client_for):
    invite(acme_owner, "once@acme.test", ["employee"])
    _host, path = _link(mail.outbox[0])
    client_for(tenant_a).post(path, _new_person())

    again = client_for(tenant_a)
    assert again.get(path).status_code == 410
    response = again.post(path, _new_person(full_name="Imposter", password="other-Pass-77"))
    assert response.status_code == 410
    assert "This invitation is Accepted." in response.content.decode()
    user = User.objects.get(email="once@acme.test")
    assert user.check_password(NEW_PASSWORD)
    assert user.full_name == "Nia New"
    assert "_auth_user_id" not in again.session


def test_a_revoked_invitation_is_refused_and_changes_nothing(
    tenant_a, acme_owner, invite, client_for
):
    invite(acme_owner, "revoked@acme.test", ["employee"])
    _host, path = _link(mail.outbox[0])
    invitation = _invitation(tenant_a, "revoked@acme.test")
    acme_owner.post(
        "/admin/tenants/invitation/",
        {"action": "revoke", "_selected_action": [str(invitation.pk)]},
    )
    assert _invitation(tenant_a, "revoked@acme.test").status == Invitation.Status.REVOKED

    visitor = client_for(tenant_a)
    response = visitor.get(path)
    assert response.status_code == 410
    assert "This invitation is Revoked." in response.content.decode()
    assert visitor.post(path, _new_person()).status_code == 410
    assert not User.objects.filter(email="revoked@acme.test").exists()


def test_an_expired_invitation_is_refused_and_changes_nothing(
    tenant_a, acme_owner, invite, client_for
):
    invite(acme_owner, "late@acme.test", ["employee"])
    _host, path = _link(mail.outbox[0])
    with freeze_time(timezone.now() + timedelta(days=8)):
        visitor = client_for(tenant_a)
        response = visitor.get(path)
        assert response.status_code == 410
        assert "This invitation is Expired." in response.content.decode()
        assert visitor.post(path, _new_person()).status_code == 410
    assert not User.objects.filter(email="late@acme.test").exists()
    assert _membership(tenant_a, "late@acme.test") is None


def test_an_invitation_still_works_on_its_last_day(tenant_a, acme_owner, invite, client_for):
    invite(acme_owner, "slow@acme.test", ["employee"])
    _host, path = _link(mail.outbox[0])
    with freeze_time(timezone.now() + timedelta(days=6, hours=23)):
        response = client_for(tenant_a).post(path, _new_person())
    assert response.status_code == 302
    assert _membership(tenant_a, "slow@acme.test") is not None


def test_an_expired_invitation_can_be_replaced_by_a_new_one(
    tenant_a, owner_a, acme_owner, invite, client_for
):
    invite(acme_owner, "late@acme.test", ["employee"])
    with freeze_time(timezone.now() + timedelta(days=8)):
        # A week later the owner signs in again (sessions end after 12 hours).
        response = invite(client_for(tenant_a, owner_a), "late@acme.test", ["employee"])
        assert response.status_code == 302
        assert len(mail.outbox) == 2
        _host, path = _link(mail.outbox[1])
        assert client_for(tenant_a).post(path, _new_person()).status_code == 302
    assert _membership(tenant_a, "late@acme.test") is not None


def test_resending_an_invitation_emails_the_link_again_and_extends_it(
    tenant_a, owner_a, acme_owner, invite, client_for, django_capture_on_commit_callbacks
):
    invite(acme_owner, "slow@acme.test", ["employee"])
    invitation = _invitation(tenant_a, "slow@acme.test")
    with freeze_time(timezone.now() + timedelta(days=5)):
        with django_capture_on_commit_callbacks(execute=True):
            # Days later the owner is signed in afresh (sessions end after 12 hours).
            client_for(tenant_a, owner_a).post(
                "/admin/tenants/invitation/",
                {"action": "resend", "_selected_action": [str(invitation.pk)]},
            )
    assert len(mail.outbox) == 2
    assert mail.outbox[1].to == ["slow@acme.test"]
    _host, path = _link(mail.outbox[1])
    with freeze_time(timezone.now() + timedelta(days=10)):
        assert client_for(tenant_a).post(path, _new_person()).status_code == 302
    assert _membership(tenant_a, "slow@acme.test") is not None


def test_a_resent_invitation_closes_every_older_link(
    tenant_a, acme_owner, invite, client_for, django_capture_on_commit_callbacks
):
    invite(acme_owner, "slow@acme.test", ["employee"])
    invitation = _invitation(tenant_a, "slow@acme.test")
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            acme_owner.post(
                "/admin/tenants/invitation/",
                {"action": "resend", "_selected_action": [str(invitation.pk)]},
            )
    paths = [_link(message)[1] for message in mail.outbox]
    assert len(set(paths)) == 3

    visitor = client_for(tenant_a)
    for old in paths[:2]:
        page = visitor.get(old)
        assert page.status_code == 410
        assert "replaced by a newer invitation email" in page.content.decode()
        assert visitor.post(old, _new_person()).status_code == 410
    assert not User.objects.filter(email="slow@acme.test").exists()
    assert _invitation(tenant_a, "slow@acme.test").status == Invitation.Status.PENDING

    assert visitor.post(paths[2], _new_person()).status_code == 302
    assert _membership(tenant_a, "slow@acme.test") is not None


# -- foreign and forged links ------------------------------------------------------------


def test_a_link_for_acme_opened_on_globexs_host_is_not_found(
    tenant_a, tenant_b, acme_owner, invite, client_for
):
    invite(acme_owner, "x@acme.test", ["employee"])
    _host, path = _link(mail.outbox[0])
    at_globex = client_for(tenant_b)
    assert at_globex.get(path).status_code == 404
    assert at_globex.post(path, _new_person()).status_code == 404
    assert not User.objects.filter(email="x@acme.test").exists()
    assert _invitation(tenant_a, "x@acme.test").status == Invitation.Status.PENDING


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
        lambda token: "X" + token[1:] if not token.startswith("X") else "Y" + token[1:],
        lambda token: "not-a-token",
    ],
    ids=["signature", "payload", "garbage"],
)
def test_a_tampered_token_is_not_found(tenant_a, acme_owner, invite, client_for, tamper):
    invite(acme_owner, "x@acme.test", ["employee"])
    match = LINK.search(mail.outbox[0].body)
    path = f"/invite/{tamper(match['token'])}/"
    visitor = client_for(tenant_a)
    assert visitor.get(path).status_code == 404
    assert visitor.post(path, _new_person()).status_code == 404
    assert not User.objects.filter(email="x@acme.test").exists()


def test_a_token_signed_for_something_else_is_not_an_invitation(tenant_a, owner_a, client_for):
    other_purpose = handoff_token(user_id=owner_a.pk, tenant_id=tenant_a.pk, nonce="n")
    assert client_for(tenant_a).get(f"/invite/{other_purpose}/").status_code == 404


# -- accepting as someone who already has an account ---------------------------------------


def test_a_globex_member_joins_acme_with_their_existing_password(
    tenant_a, tenant_b, owner_b, acme_owner, invite, client_for
):
    invite(acme_owner, owner_b.email, ["finance"])
    _host, path = _link(mail.outbox[0])
    visitor = client_for(tenant_a)

    page = visitor.get(path).content.decode()
    assert "You already have an account on this platform." in page
    assert 'name="password_again"' not in page

    response = visitor.post(path, {"password": PASSWORD})

    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert len(workspaces_for(user=owner_b)) == 2
    with tenant_context(tenant_a):
        assert _membership(tenant_a, owner_b.email).role_codes() == {RoleCode.FINANCE}
    with tenant_context(tenant_b):
        assert _membership(tenant_b, owner_b.email).role_codes() == {RoleCode.OWNER}
    assert visitor.get("/admin/").status_code == 200
    assert client_for(tenant_b, owner_b).get("/admin/").status_code == 200


def test_an_existing_account_with_the_wrong_password_changes_nothing(
    tenant_a, owner_b, acme_owner, invite, client_for
):
    invite(acme_owner, owner_b.email, ["finance"])
    _host, path = _link(mail.outbox[0])
    visitor = client_for(tenant_a)
    response = visitor.post(path, {"password": "wrong-Pass-1"})
    assert response.status_code == 200
    assert "You already have an account; enter its password." in response.content.decode()
    assert _membership(tenant_a, owner_b.email) is None
    assert _invitation(tenant_a, owner_b.email).status == Invitation.Status.PENDING
    assert "_auth_user_id" not in visitor.session


def test_someone_already_signed_in_as_the_invitee_joins_without_a_password(
    tenant_a, owner_b, acme_owner, invite, client_for
):
    invite(acme_owner, owner_b.email, ["manager"])
    _host, path = _link(mail.outbox[0])
    visitor = client_for(tenant_a, owner_b)
    assert "You are signed in with this address." in visitor.get(path).content.decode()
    response = visitor.post(path, {})
    assert response.status_code == 302
    with tenant_context(tenant_a):
        assert _membership(tenant_a, owner_b.email).role_codes() == {RoleCode.MANAGER}


def test_a_former_member_invited_again_rejoins(
    tenant_a, owner_a, make_member, acme_owner, invite, client_for
):
    former = make_member(tenant_a, "former@acme.test")
    services.membership_deactivate(membership=_membership(tenant_a, former.email), by=owner_a)

    response = invite(acme_owner, former.email, ["manager"])
    assert response.status_code == 302
    _host, path = _link(mail.outbox[0])
    assert client_for(tenant_a).post(path, {"password": PASSWORD}).status_code == 302

    membership = _membership(tenant_a, former.email)
    assert membership.is_active
    with tenant_context(tenant_a):
        assert membership.role_codes() == {RoleCode.EMPLOYEE, RoleCode.MANAGER}
        assert Membership.objects.filter(user=former).count() == 1


# -- who may invite whom -----------------------------------------------------------------


@pytest.fixture
def acme_hr(tenant_a, owner_a, make_member, client_for):
    return client_for(tenant_a, make_member(tenant_a, "hr@acme.test", roles=[RoleCode.HR]))


def test_hr_cannot_invite_someone_as_owner(tenant_a, acme_hr, invite):
    response = invite(acme_hr, "boss@acme.test", ["owner"])
    assert response.status_code == 200
    assert "Only an owner can give the owner or CEO role." in response.content.decode()
    with tenant_context(tenant_a):
        assert not Invitation.objects.filter(email="boss@acme.test").exists()
    assert mail.outbox == []


def test_hr_cannot_invite_someone_into_finance(tenant_a, acme_hr, invite):
    response = invite(acme_hr, "money@acme.test", ["finance"])
    assert response.status_code == 200
    assert "HR can give the employee and manager roles" in response.content.decode()
    assert mail.outbox == []


def test_hr_invites_employees_and_managers(tenant_a, acme_hr, invite):
    response = invite(acme_hr, "staff@acme.test", ["employee", "manager"])
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert sorted(_invitation(tenant_a, "staff@acme.test").roles) == ["employee", "manager"]


def test_an_employee_cannot_invite_anyone(tenant_a, make_member, client_for, invite):
    employee = make_member(tenant_a, "emp@acme.test")
    response = invite(client_for(tenant_a, employee), "friend@acme.test", ["employee"])
    assert response.status_code == 403
    assert mail.outbox == []


@pytest.mark.parametrize("email", ["here@acme.test", "HERE@Acme.TEST"])
def test_inviting_a_current_member_is_a_form_error(
    tenant_a, make_member, acme_owner, invite, email
):
    make_member(tenant_a, "here@acme.test")
    response = invite(acme_owner, email, ["employee"])
    assert response.status_code == 200
    assert "here@acme.test is already a member of this company." in response.content.decode()
    with tenant_context(tenant_a):
        assert not Invitation.objects.filter(email__iexact="here@acme.test").exists()
    assert mail.outbox == []


def test_inviting_someone_with_an_open_invitation_is_a_form_error(tenant_a, acme_owner, invite):
    invite(acme_owner, "twice@acme.test", ["employee"])
    response = invite(acme_owner, "Twice@acme.test", ["manager"])
    assert response.status_code == 200
    assert "This person already has an open invitation." in response.content.decode()
    with tenant_context(tenant_a):
        assert Invitation.objects.filter(email__iexact="twice@acme.test").count() == 1
    assert len(mail.outbox) == 1


def test_a_member_of_another_company_can_be_invited(tenant_a, owner_b, acme_owner, invite):
    response = invite(acme_owner, owner_b.email, ["employee"])
    assert response.status_code == 302
    assert len(mail.outbox) == 1


# -- a new company from the landlord admin -----------------------------------------------


def _create_company(client, capture, **overrides):
    data = {
        "name": "Initech",
        "slug": "initech",
        "time_zone": "UTC",
        "currency": "USD",
        "default_language": "en",
        "owner_email": "bill@initech.test",
        **overrides,
    }
    with capture(execute=True):
        return client.post("/admin/tenants/tenant/add/", data)


def test_platform_staff_create_a_company_with_its_address_and_owner_invitation(
    platform_admin, client_for, django_capture_on_commit_callbacks
):
    response = _create_company(client_for(None, platform_admin), django_capture_on_commit_callbacks)

    assert response.status_code == 302, response.content.decode()[:2000]
    tenant = Tenant.objects.get(slug="initech")
    assert tenant.name == "Initech" and tenant.is_active
    assert list(Domain.objects.filter(tenant=tenant).values_list("domain", "is_primary")) == [
        ("initech.localhost", True)
    ]
    invitation = _invitation(tenant, "bill@initech.test")
    assert invitation.roles == [RoleCode.OWNER]
    assert invitation.invited_by == platform_admin
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["bill@initech.test"]
    host, _path = _link(mail.outbox[0])
    assert host == "initech.localhost"


def test_the_invited_owner_of_a_new_company_opens_its_workspace(
    platform_admin, client_for, django_capture_on_commit_callbacks
):
    _create_company(client_for(None, platform_admin), django_capture_on_commit_callbacks)
    tenant = Tenant.objects.get(slug="initech")
    _host, path = _link(mail.outbox[0])
    visitor = client_for(tenant)
    assert visitor.post(path, _new_person(full_name="Bill")).status_code == 302
    response = visitor.get("/admin/tenants/membership/")
    assert response.status_code == 200
    assert "bill@initech.test" in response.content.decode()


def test_a_company_slug_already_taken_is_a_form_error(
    tenant_a, platform_admin, client_for, django_capture_on_commit_callbacks
):
    response = _create_company(
        client_for(None, platform_admin), django_capture_on_commit_callbacks, slug="acme"
    )
    assert response.status_code == 200
    assert "Company with this Slug already exists." in response.content.decode()
    assert Tenant.objects.filter(slug="acme").count() == 1
    assert mail.outbox == []


def test_a_company_owner_cannot_create_companies(
    tenant_a, owner_a, client_for, django_capture_on_commit_callbacks
):
    response = _create_company(client_for(None, owner_a), django_capture_on_commit_callbacks)
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    assert not Tenant.objects.filter(slug="initech").exists()
    assert mail.outbox == []
