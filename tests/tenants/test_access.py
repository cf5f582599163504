"""Specification: who may open which workspace, and which screens inside it
(tenancy invariant 8, the roles in tenants/rules.py)."""

from __future__ import annotations

import pytest

from opsplatform.tenancy import tenant_context
from tenants import services
from tenants.models import Membership, User
from tenants.roles import RoleCode
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

DASHBOARD_MARKER = "Your roles"  # a card every member sees on the dashboard


def _membership(tenant, user) -> Membership:
    with tenant_context(tenant):
        return Membership.objects.get(user=user)


def _roles(membership) -> set[str]:
    with tenant_context(membership.tenant):
        return Membership.objects.get(pk=membership.pk).role_codes()


def _refused(response) -> bool:
    """Sent to the login page, with nothing of the workspace on the way."""
    return response.status_code == 302 and response["Location"].startswith("/admin/login/")


def _login(client, email, password=PASSWORD):
    return client.post(
        "/admin/login/", {"username": email, "password": password, "next": "/admin/"}
    )


@pytest.fixture
def globex_only(tenant_b, make_member) -> User:
    return make_member(tenant_b, "gina@globex.test")


# -- getting in ------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/admin/", "/admin/tenants/membership/"])
def test_anonymous_visitor_is_redirected_to_the_login_page(tenant_a, client_for, path):
    response = client_for(tenant_a).get(path)
    assert _refused(response)
    assert f"next={path}" in response["Location"]


def test_the_login_page_names_the_company(tenant_a, client_for):
    response = client_for(tenant_a).get("/admin/login/")
    assert response.status_code == 200
    assert "Acme Corp" in response.content.decode()


def test_a_member_signs_in_with_email_and_password_and_sees_the_dashboard(
    tenant_a, owner_a, client_for
):
    client = client_for(tenant_a)
    response = _login(client, "OWNER@acme.test")
    assert response.status_code == 302 and response["Location"] == "/admin/"
    response = client.get("/admin/")
    assert response.status_code == 200
    assert DASHBOARD_MARKER in response.content.decode()


def test_a_wrong_password_is_refused_with_a_clear_message(tenant_a, owner_a, client_for):
    client = client_for(tenant_a)
    response = _login(client, owner_a.email, "not-the-password")
    assert response.status_code == 200
    assert "Please enter a correct email address and password." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_signed_in_non_member_is_refused_the_workspace(
    tenant_a, tenant_b, globex_only, client_for
):
    response = client_for(tenant_a, globex_only).get("/admin/")
    assert _refused(response)
    login_page = client_for(tenant_a, globex_only).get(response["Location"])
    assert DASHBOARD_MARKER not in login_page.content.decode()


def test_a_user_with_no_company_at_all_is_refused(tenant_a, client_for):
    loner = User.objects.create_user(email="loner@example.test", password=PASSWORD)
    assert _refused(client_for(tenant_a, loner).get("/admin/"))
    assert _refused(client_for(tenant_a, loner).get("/admin/tenants/invitation/"))


def test_a_member_of_acme_is_refused_at_globex_when_signed_in_there(
    tenant_a, tenant_b, owner_a, client_for
):
    response = client_for(tenant_b, owner_a).get("/admin/")
    assert _refused(response)


def test_a_member_of_acme_is_refused_at_globex_with_acmes_session(
    tenant_a, tenant_b, owner_a, client_for
):
    client = client_for(tenant_a, owner_a)
    assert client.get("/admin/").status_code == 200
    # The same session presented to another company's host opens nothing there.
    assert _refused(client.get("/admin/", HTTP_HOST="globex.localhost"))
    assert _refused(client.get("/admin/tenants/membership/", HTTP_HOST="globex.localhost"))


def test_a_member_of_acme_cannot_sign_in_at_globex(tenant_a, tenant_b, owner_a, client_for):
    client = client_for(tenant_b)
    response = _login(client, owner_a.email)
    assert response.status_code == 200
    assert "This account does not belong to Globex Ltd." in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert _refused(client.get("/admin/"))


def test_the_login_form_at_acme_refuses_a_globex_only_user(
    tenant_a, owner_a, globex_only, client_for
):
    client = client_for(tenant_a)
    response = _login(client, globex_only.email)
    assert response.status_code == 200
    body = response.content.decode()
    assert "does not belong to" in body
    assert "This account does not belong to Acme Corp." in body
    assert "_auth_user_id" not in client.session


def test_a_deactivated_member_is_refused(tenant_a, owner_a, make_member, client_for):
    former = make_member(tenant_a, "former@acme.test")
    services.membership_deactivate(membership=_membership(tenant_a, former), by=owner_a)

    assert _refused(client_for(tenant_a, former).get("/admin/"))
    response = _login(client_for(tenant_a), former.email)
    assert "Your access to Acme Corp has been deactivated." in response.content.decode()
    assert "_auth_user_id" not in client_for(tenant_a).session


def test_a_member_deactivated_mid_session_is_shut_out_on_the_next_page(
    tenant_a, owner_a, make_member, client_for
):
    former = make_member(tenant_a, "leaving@acme.test")
    client = client_for(tenant_a, former)
    assert client.get("/admin/").status_code == 200
    services.membership_deactivate(membership=_membership(tenant_a, former), by=owner_a)
    assert _refused(client.get("/admin/"))


def test_a_disabled_account_is_refused_even_with_an_active_membership(
    tenant_a, make_member, client_for
):
    disabled = make_member(tenant_a, "disabled@acme.test")
    client = client_for(tenant_a, disabled)
    disabled.is_active = False
    disabled.save()
    assert _refused(client.get("/admin/"))
    response = _login(client_for(tenant_a), disabled.email)
    assert response.status_code == 200
    assert DASHBOARD_MARKER not in response.content.decode()


# -- the landlord admin ------------------------------------------------------------


def test_the_landlord_admin_is_refused_to_a_company_owner(tenant_a, owner_a, client_for):
    assert _refused(client_for(None, owner_a).get("/admin/"))
    assert _refused(client_for(None, owner_a).get("/admin/tenants/tenant/"))


def test_a_company_owner_cannot_sign_in_to_the_landlord_admin(tenant_a, owner_a, client_for):
    client = client_for(None)
    response = _login(client, owner_a.email)
    assert response.status_code == 200
    assert "for a staff account" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_landlord_admin_is_open_to_platform_staff(
    tenant_a, tenant_b, platform_admin, client_for
):
    client = client_for(None, platform_admin)
    assert client.get("/admin/").status_code == 200
    response = client.get("/admin/tenants/tenant/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Acme Corp" in body and "Globex Ltd" in body


def test_platform_staff_sign_in_to_the_landlord_admin_with_their_password(
    platform_admin, client_for
):
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=platform_admin, name="phone", confirmed=True)
    client = client_for(None)
    response = _login(client, platform_admin.email)
    assert response.status_code == 302
    # The password alone stops at the code step (staff must use two-factor).
    assert client.get("/admin/tenants/tenant/")["Location"].startswith("/admin/two-factor/")
    code = TOTP(device.bin_key).token()
    client.post("/admin/two-factor/", {"otp_token": f"{code:06d}", "next": "/admin/"})
    assert client.get("/admin/tenants/tenant/").status_code == 200


def test_platform_staff_are_no_one_in_a_company_they_do_not_belong_to(
    tenant_a, platform_admin, client_for
):
    assert _refused(client_for(tenant_a, platform_admin).get("/admin/"))


@pytest.mark.parametrize(
    "path", ["/admin/tenants/tenant/", "/admin/tenants/domain/", "/admin/tenants/user/"]
)
def test_landlord_urls_do_not_exist_on_a_tenant_host(tenant_a, owner_a, client_for, path):
    assert client_for(tenant_a, owner_a).get(path).status_code == 404


def test_landlord_urls_do_not_exist_on_a_tenant_host_even_for_platform_staff(
    tenant_a, platform_admin, make_member, client_for
):
    # A platform superuser who also works at Acme is an ordinary member there.
    make_member(tenant_a, platform_admin.email, roles=[RoleCode.OWNER], user=platform_admin)
    client = client_for(tenant_a, platform_admin)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/tenants/tenant/").status_code == 404
    assert client.get(f"/admin/tenants/tenant/{tenant_a.pk}/change/").status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/admin/tenants/membership/",
        "/admin/tenants/invitation/",
        "/admin/tenants/invitation/add/",
        "/switch/acme/",
        "/handoff/?token=x",
        "/handoff/confirm/",
        "/invite/anything/",
    ],
)
def test_tenant_only_urls_do_not_exist_on_the_root_host(tenant_a, platform_admin, client_for, path):
    assert client_for(None, platform_admin).get(path).status_code == 404


# -- another company's rows ------------------------------------------------------


def test_an_owner_cannot_open_another_companys_membership(
    tenant_a, tenant_b, owner_a, owner_b, client_for
):
    theirs = _membership(tenant_b, owner_b)
    client = client_for(tenant_a, owner_a)
    base = f"/admin/tenants/membership/{theirs.pk}"
    for path in [f"{base}/change/", f"{base}/history/", f"{base}/delete/"]:
        assert client.get(path).status_code == 404, path


def test_an_owner_cannot_change_another_companys_membership(
    tenant_a, tenant_b, owner_a, owner_b, client_for
):
    theirs = _membership(tenant_b, owner_b)
    response = client_for(tenant_a, owner_a).post(
        f"/admin/tenants/membership/{theirs.pk}/change/", {"roles": ["employee"]}
    )
    assert response.status_code == 404
    assert _roles(theirs) == {RoleCode.OWNER}


def test_an_owner_cannot_deactivate_another_companys_member_through_the_list_action(
    tenant_a, tenant_b, owner_a, owner_b, make_member, client_for
):
    their_colleague = make_member(tenant_b, "colleague@globex.test")
    theirs = _membership(tenant_b, their_colleague)
    client_for(tenant_a, owner_a).post(
        "/admin/tenants/membership/",
        {"action": "deactivate", "_selected_action": [str(theirs.pk)]},
    )
    with tenant_context(tenant_b):
        assert Membership.objects.get(pk=theirs.pk).status == Membership.Status.ACTIVE


def test_an_owner_deactivates_a_member_of_their_own_company_through_the_list_action(
    tenant_a, owner_a, make_member, client_for
):
    colleague = make_member(tenant_a, "colleague@acme.test")
    target = _membership(tenant_a, colleague)
    response = client_for(tenant_a, owner_a).post(
        "/admin/tenants/membership/",
        {"action": "deactivate", "_selected_action": [str(target.pk)]},
    )
    assert response.status_code == 302
    with tenant_context(tenant_a):
        assert Membership.objects.get(pk=target.pk).status == Membership.Status.DEACTIVATED


def test_the_members_list_shows_only_this_companys_people(
    tenant_a, tenant_b, owner_a, owner_b, client_for
):
    body = client_for(tenant_a, owner_a).get("/admin/tenants/membership/").content.decode()
    assert owner_a.email in body
    assert owner_b.email not in body


# -- roles inside a company -------------------------------------------------------


def test_hr_can_view_members(tenant_a, owner_a, make_member, client_for):
    hr = make_member(tenant_a, "hr@acme.test", roles=[RoleCode.HR])
    client = client_for(tenant_a, hr)
    response = client.get("/admin/tenants/membership/")
    assert response.status_code == 200
    assert owner_a.email in response.content.decode()
    owner_membership = _membership(tenant_a, owner_a)
    assert client.get(f"/admin/tenants/membership/{owner_membership.pk}/change/").status_code == 200


def test_hr_gets_403_when_changing_roles(tenant_a, owner_a, make_member, client_for):
    hr = make_member(tenant_a, "hr@acme.test", roles=[RoleCode.HR])
    colleague = make_member(tenant_a, "col@acme.test")
    client = client_for(tenant_a, hr)
    for target in (_membership(tenant_a, owner_a), _membership(tenant_a, colleague)):
        before = _roles(target)
        response = client.post(
            f"/admin/tenants/membership/{target.pk}/change/", {"roles": ["employee", "manager"]}
        )
        assert response.status_code == 403
        assert _roles(target) == before


def test_hr_cannot_deactivate_members(tenant_a, owner_a, make_member, client_for):
    hr = make_member(tenant_a, "hr@acme.test", roles=[RoleCode.HR])
    colleague = make_member(tenant_a, "col@acme.test")
    target = _membership(tenant_a, colleague)
    client_for(tenant_a, hr).post(
        "/admin/tenants/membership/",
        {"action": "deactivate", "_selected_action": [str(target.pk)]},
    )
    with tenant_context(tenant_a):
        assert Membership.objects.get(pk=target.pk).status == Membership.Status.ACTIVE


def test_an_employee_sees_no_members_page(tenant_a, owner_a, make_member, client_for):
    employee = make_member(tenant_a, "emp@acme.test")
    client = client_for(tenant_a, employee)
    assert client.get("/admin/tenants/membership/").status_code == 403
    owner_membership = _membership(tenant_a, owner_a)
    assert client.get(f"/admin/tenants/membership/{owner_membership.pk}/change/").status_code == 403
    assert client.get("/admin/tenants/invitation/").status_code == 403
    assert client.get("/admin/tenants/invitation/add/").status_code == 403


def test_an_employees_menu_has_no_members_or_invitations(tenant_a, make_member, client_for):
    employee = make_member(tenant_a, "emp@acme.test")
    response = client_for(tenant_a, employee).get("/admin/")
    assert response.status_code == 200
    body = response.content.decode()
    assert DASHBOARD_MARKER in body
    assert "/admin/tenants/membership/" not in body
    assert "/admin/tenants/invitation/" not in body


def test_an_owners_menu_has_members_and_invitations(tenant_a, owner_a, client_for):
    body = client_for(tenant_a, owner_a).get("/admin/").content.decode()
    assert "/admin/tenants/membership/" in body
    assert "/admin/tenants/invitation/" in body
