"""Login throttling: repeated failures pause signing in, for the account and the address,
on every host and every form that checks a password."""

from __future__ import annotations

from datetime import timedelta

from django.core import mail
from django.utils import timezone
from freezegun import freeze_time

from tests.conftest import PASSWORD

LIMIT = 5


def _login(client, email, password):
    return client.post(
        "/admin/login/", {"username": email, "password": password, "next": "/admin/"}
    )


def _fail(client, email, times=LIMIT):
    return [_login(client, email, "wrong-password").status_code for _ in range(times)]


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_the_company_login_locks_after_repeated_failures_and_reopens_after_the_pause(
    tenant_a, owner_a, client_for
):
    client = client_for(tenant_a)
    codes = _fail(client, owner_a.email)
    assert codes[: LIMIT - 1] == [200] * (LIMIT - 1)
    assert codes[-1] == 429

    refused = _login(client, owner_a.email, PASSWORD)
    assert refused.status_code == 429
    body = refused.content.decode()
    assert "Too many failed attempts" in body and "try again in 15 minutes" in body
    assert not _signed_in(client)

    with freeze_time(timezone.now() + timedelta(minutes=16)):
        response = _login(client, owner_a.email, PASSWORD)
        assert response.status_code == 302
        assert _signed_in(client)


def test_the_landlord_login_locks_too(platform_admin, client_for):
    client = client_for(None)
    _fail(client, platform_admin.email)
    assert _login(client, platform_admin.email, PASSWORD).status_code == 429
    assert not _signed_in(client)


def test_changing_host_or_letter_case_does_not_buy_more_attempts(
    tenant_a, tenant_b, owner_a, make_member, client_for
):
    make_member(tenant_b, owner_a.email, user=owner_a)
    _fail(client_for(tenant_a), owner_a.email, 3)
    _fail(client_for(tenant_b), owner_a.email.upper(), 1)
    # The fifth failure, on the root host, locks the account everywhere.
    assert _fail(client_for(None), owner_a.email, 1) == [429]
    assert _login(client_for(tenant_b), owner_a.email, PASSWORD).status_code == 429


def test_the_account_is_locked_from_every_address(tenant_a, owner_a, client_for):
    attacker = client_for(tenant_a)
    for n in range(LIMIT):
        attacker.post(
            "/admin/login/",
            {"username": owner_a.email, "password": "wrong"},
            REMOTE_ADDR=f"10.0.0.{n}",
        )
    owner = client_for(tenant_a)
    response = owner.post(
        "/admin/login/", {"username": owner_a.email, "password": PASSWORD}, REMOTE_ADDR="10.9.9.9"
    )
    assert response.status_code == 429


def test_one_address_trying_many_accounts_is_locked(tenant_a, owner_a, make_member, client_for):
    victim = make_member(tenant_a, "victim@acme.test")
    client = client_for(tenant_a)
    for n in range(LIMIT):
        _login(client, f"guess{n}@acme.test", "wrong")
    assert _login(client, victim.email, PASSWORD).status_code == 429


def test_a_successful_login_resets_the_accounts_failures(tenant_a, owner_a, client_for):
    client = client_for(tenant_a)
    _fail(client, owner_a.email, LIMIT - 1)
    assert _login(client, owner_a.email, PASSWORD).status_code == 302
    client.post("/admin/logout/")
    # Four more failures do not lock: the count started again.
    assert _fail(client, owner_a.email, LIMIT - 1) == [200] * (LIMIT - 1)
    assert _login(client, owner_a.email, PASSWORD).status_code == 302


def test_each_new_lockout_lasts_twice_as_long(tenant_a, owner_a, client_for):
    client = client_for(tenant_a)
    start = timezone.now()
    _fail(client, owner_a.email)
    with freeze_time(start + timedelta(minutes=16)):
        assert _fail(client, owner_a.email)[-1] == 429
        assert "try again in 30 minutes" in _login(client, owner_a.email, PASSWORD).content.decode()
    with freeze_time(start + timedelta(minutes=16 + 25)):
        assert _login(client, owner_a.email, PASSWORD).status_code == 429
    with freeze_time(start + timedelta(minutes=16 + 31)):
        assert _login(client, owner_a.email, PASSWORD).status_code == 302


def test_the_password_check_of_an_invitation_is_throttled(
    tenant_a, tenant_b, owner_a, owner_b, client_for, django_capture_on_commit_callbacks
):
    # Globex's owner already has an account; Acme invites them.
    owner = client_for(tenant_a, owner_a)
    with django_capture_on_commit_callbacks(execute=True):
        owner.post(
            "/admin/tenants/invitation/add/", {"email": owner_b.email, "roles": ["employee"]}
        )
    link = next(line for line in mail.outbox[-1].body.split() if "/invite/" in line)
    path = link.split("localhost", 1)[1].split(":8000", 1)[-1]
    path = path[path.index("/invite/") :]
    visitor = client_for(tenant_a)
    codes = [visitor.post(path, {"password": "wrong"}).status_code for _ in range(LIMIT)]
    assert codes[-1] == 429
    response = visitor.post(path, {"password": PASSWORD})
    assert response.status_code == 429
    assert not _signed_in(visitor)
    with freeze_time(timezone.now() + timedelta(minutes=16)):
        assert visitor.post(path, {"password": PASSWORD}).status_code == 302


def test_the_old_password_of_a_password_change_is_throttled(tenant_a, owner_a, client_for):
    client = client_for(tenant_a, owner_a)
    form = {
        "old_password": "wrong",
        "new_password1": "N3w-Passw0rd!x",
        "new_password2": "N3w-Passw0rd!x",
    }
    codes = [client.post("/admin/password_change/", form).status_code for _ in range(LIMIT)]
    assert codes[-1] == 429
    right = {**form, "old_password": PASSWORD}
    assert client.post("/admin/password_change/", right).status_code == 429
    owner_a.refresh_from_db()
    assert owner_a.check_password(PASSWORD)


def test_a_forged_forwarded_for_header_does_not_change_the_address(tenant_a, owner_a, client_for):
    client = client_for(tenant_a)
    for n in range(LIMIT):
        client.post(
            "/admin/login/",
            {"username": f"guess{n}@acme.test", "password": "wrong"},
            HTTP_X_FORWARDED_FOR=f"203.0.113.{n}",
        )
    assert _login(client, owner_a.email, PASSWORD).status_code == 429


def test_behind_a_proxy_only_the_hop_it_added_counts(tenant_a, owner_a, client_for, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    client = client_for(tenant_a)
    for n in range(LIMIT):
        client.post(
            "/admin/login/",
            {"username": f"guess{n}@acme.test", "password": "wrong"},
            HTTP_X_FORWARDED_FOR=f"203.0.113.{n}, 198.51.100.7",
            REMOTE_ADDR="10.0.0.1",
        )
    locked = client.post(
        "/admin/login/",
        {"username": owner_a.email, "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="198.51.100.7",
        REMOTE_ADDR="10.0.0.1",
    )
    other = client_for(tenant_a).post(
        "/admin/login/",
        {"username": owner_a.email, "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="198.51.100.8",
        REMOTE_ADDR="10.0.0.1",
    )
    assert locked.status_code == 429
    assert other.status_code == 302


def test_staff_can_lift_a_lockout_by_hand(tenant_a, owner_a, client_for):
    from django.core.management import call_command

    client = client_for(tenant_a)
    _fail(client, owner_a.email)
    call_command("axes_reset_username", owner_a.email)
    call_command("axes_reset_ip", "127.0.0.1")
    assert _login(client, owner_a.email, PASSWORD).status_code == 302
