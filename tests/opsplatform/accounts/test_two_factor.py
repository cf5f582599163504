"""Two-factor sign-in: the code step, enrolment, and who must use it."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from freezegun import freeze_time

from tenants.models import Tenant
from tests.conftest import PASSWORD, host_of


def _code(key_hex: str, offset: int = 0) -> str:
    totp = TOTP(bytes.fromhex(key_hex))
    totp.drift = offset
    return f"{totp.token():06d}"


def _password_login(tenant, user) -> Client:
    client = Client(HTTP_HOST=host_of(tenant))
    response = client.post(
        "/admin/login/", {"username": user.email, "password": PASSWORD, "next": "/admin/"}
    )
    assert response.status_code == 302
    return client


@pytest.fixture
def staff(db):
    from tenants.models import User

    return User.objects.create_user(email="staff@platform.test", password=PASSWORD, is_staff=True)


def _enrol(client) -> list[str]:
    page = client.get("/admin/two-factor/setup/")
    assert page.status_code == 200
    assert b"<svg" in page.content
    secret = re.search(r'id="two-factor-secret">([A-Z2-7]+)<', page.content.decode()).group(1)
    import base64

    key_hex = base64.b32decode(secret + "=" * (-len(secret) % 8)).hex()
    done = client.post("/admin/two-factor/setup/", {"otp_token": _code(key_hex)})
    assert done.status_code == 200
    return re.findall(r"<li>([a-z0-9]+)</li>", done.content.decode())


# -- platform staff ------------------------------------------------------------------


def test_staff_without_a_device_are_sent_to_enrol_before_the_landlord_admin(staff):
    client = _password_login(None, staff)
    response = client.get("/admin/tenants/tenant/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/two-factor/setup/")


def test_staff_who_enrol_reach_the_landlord_admin_and_get_recovery_codes(staff):
    client = _password_login(None, staff)
    codes = _enrol(client)
    assert len(codes) == 10
    assert TOTPDevice.objects.filter(user=staff, confirmed=True).count() == 1
    assert client.get("/admin/").status_code == 200


def test_a_wrong_enrolment_code_turns_nothing_on(staff):
    client = _password_login(None, staff)
    client.get("/admin/two-factor/setup/")
    response = client.post("/admin/two-factor/setup/", {"otp_token": "000000"})
    assert "does not match" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=staff).exists()
    assert client.get("/admin/")["Location"].startswith("/admin/two-factor/setup/")


def test_a_wrong_code_is_refused_and_the_right_one_signs_in(staff):
    device = TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)
    client = _password_login(None, staff)
    assert client.get("/admin/")["Location"].startswith("/admin/two-factor/?next=")

    wrong = client.post("/admin/two-factor/", {"otp_token": "123456", "next": "/admin/"})
    assert wrong.status_code == 200
    assert "not valid" in wrong.content.decode()
    assert client.get("/admin/")["Location"].startswith("/admin/two-factor/")

    # django-otp pauses a device for a second after a wrong code.
    with freeze_time(timezone.now() + timedelta(seconds=2)):
        right = client.post(
            "/admin/two-factor/", {"otp_token": _code(device.key), "next": "/admin/"}
        )
        assert right.status_code == 302 and right["Location"] == "/admin/"
        assert client.get("/admin/").status_code == 200


def test_a_recovery_code_signs_in_once(staff):
    client = _password_login(None, staff)
    codes = _enrol(client)
    client.post("/admin/logout/")

    again = _password_login(None, staff)
    assert again.post("/admin/two-factor/", {"otp_token": codes[0]}).status_code == 302
    assert again.get("/admin/").status_code == 200
    assert not StaticToken.objects.filter(token=codes[0]).exists()

    third = _password_login(None, staff)
    assert third.post("/admin/two-factor/", {"otp_token": codes[0]}).status_code == 200


def test_guessing_codes_locks_the_code_step_and_a_new_password_login_does_not_reset_it(staff):
    TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)
    client = _password_login(None, staff)
    for _ in range(4):
        client.post("/admin/two-factor/", {"otp_token": "111111"})
    client.post("/admin/logout/")
    client = _password_login(None, staff)
    statuses = [
        client.post("/admin/two-factor/", {"otp_token": "222222"}).status_code for _ in range(2)
    ]
    assert 429 in statuses


# -- company members -----------------------------------------------------------------


def test_two_factor_is_optional_for_members(tenant_a, owner_a):
    client = _password_login(tenant_a, owner_a)
    assert client.get("/admin/").status_code == 200


def test_a_member_with_a_device_is_asked_for_the_code(tenant_a, owner_a):
    device = TOTPDevice.objects.create(user=owner_a, name="phone", confirmed=True)
    client = _password_login(tenant_a, owner_a)
    assert client.get("/admin/")["Location"].startswith("/admin/two-factor/")
    client.post("/admin/two-factor/", {"otp_token": _code(device.key)})
    assert client.get("/admin/").status_code == 200


def test_an_owner_can_require_two_factor_for_the_company(tenant_a, owner_a, client_for):
    client = client_for(tenant_a, owner_a)
    page = client.get("/admin/security/")
    assert page.status_code == 200 and b"company-security" in page.content
    response = client.post("/admin/security/", {"require_two_factor": "on"})
    assert response.status_code == 302
    tenant_a.refresh_from_db()
    assert tenant_a.require_two_factor is True
    last = tenant_a.history.first()
    assert last.history_user == owner_a
    assert last.history_change_reason == "Two-factor authentication required"


def test_a_member_who_is_not_an_owner_cannot_set_the_rule(tenant_a, make_member, client_for):
    employee = make_member(tenant_a, "emp@acme.test")
    client = client_for(tenant_a, employee)
    page = client.get("/admin/security/")
    assert page.status_code == 200 and b"company-security" not in page.content
    assert client.post("/admin/security/", {"require_two_factor": "on"}).status_code == 404
    tenant_a.refresh_from_db()
    assert tenant_a.require_two_factor is False


def test_members_of_a_company_that_requires_it_enrol_before_the_workspace(
    tenant_a, tenant_b, make_member
):
    Tenant.objects.filter(pk=tenant_a.pk).update(require_two_factor=True)
    person = make_member(tenant_a, "emp@acme.test")
    make_member(tenant_b, person.email, user=person)

    acme = _password_login(tenant_a, person)
    response = acme.get("/admin/")
    assert response["Location"].startswith("/admin/two-factor/setup/")
    # Globex does not require it: the same person works there with the password alone.
    assert _password_login(tenant_b, person).get("/admin/").status_code == 200

    _enrol(acme)
    assert acme.get("/admin/").status_code == 200
