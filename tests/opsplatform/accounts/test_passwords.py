"""Password reset by email on both hosts, and password change when signed in."""

from __future__ import annotations

import re

from django.core import mail

from tests.conftest import PASSWORD

NEW = "Fresh-Passw0rd-42"


def _ask(client, email):
    return client.post("/admin/password_reset/", {"email": email})


def _link(message) -> tuple[str, str]:
    url = re.search(r"(https?://\S+/admin/reset/\S+/)", message.body).group(1)
    host, path = re.match(r"https?://([^/]+)(/.*)", url).groups()
    return host, path


def _set_password(client, path, password=NEW):
    landing = client.get(path)  # Django swaps the token for a session and redirects
    assert landing.status_code == 302
    return client.post(landing["Location"], {"new_password1": password, "new_password2": password})


def test_the_login_pages_link_to_the_reset(tenant_a, client_for):
    for client in (client_for(tenant_a), client_for(None)):
        assert "/admin/password_reset/" in client.get("/admin/login/").content.decode()


def test_a_member_resets_their_password_from_the_company_host(tenant_a, owner_a, client_for):
    client = client_for(tenant_a)
    response = _ask(client, owner_a.email)
    assert response.status_code == 302 and response["Location"] == "/admin/password_reset/done/"
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [owner_a.email]
    host, path = _link(mail.outbox[0])
    assert host.split(":")[0] == "acme.localhost"

    done = _set_password(client, path)
    assert done.status_code == 302 and done["Location"] == "/admin/reset/done/"
    owner_a.refresh_from_db()
    assert owner_a.check_password(NEW)
    login = client.post("/admin/login/", {"username": owner_a.email, "password": NEW})
    assert login.status_code == 302
    # The link works once.
    assert client_for(tenant_a).get(path).status_code == 200
    assert b"reset-invalid" in client_for(tenant_a).get(path).content


def test_the_page_is_the_same_for_unknown_addresses_and_outsiders(
    tenant_a, owner_b, platform_admin, client_for
):
    client = client_for(tenant_a)
    answers = [
        _ask(client, email) for email in ("nobody@acme.test", owner_b.email, platform_admin.email)
    ]
    assert {(a.status_code, a["Location"]) for a in answers} == {
        (302, "/admin/password_reset/done/")
    }
    # Globex's owner and platform staff are no one at Acme: no email from Acme's host.
    assert mail.outbox == []


def test_platform_staff_reset_from_the_root_host(tenant_a, owner_a, platform_admin, client_for):
    client = client_for(None)
    _ask(client, owner_a.email)  # a company member, not staff: nothing
    assert mail.outbox == []
    _ask(client, platform_admin.email)
    assert len(mail.outbox) == 1
    host, path = _link(mail.outbox[0])
    assert host.split(":")[0] == "localhost"
    assert _set_password(client, path).status_code == 302
    platform_admin.refresh_from_db()
    assert platform_admin.check_password(NEW)


def test_a_reset_is_in_the_accounts_history_without_the_hash(tenant_a, owner_a, client_for):
    client = client_for(tenant_a)
    _ask(client, owner_a.email)
    _host, path = _link(mail.outbox[0])
    _set_password(client, path)
    row = owner_a.history.first()
    assert row.history_change_reason == "Password changed"
    assert row.history_user == owner_a
    assert not hasattr(row, "password")


def test_guessing_reset_links_is_throttled(tenant_a, owner_a, client_for):
    client = client_for(tenant_a)
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    uid = urlsafe_base64_encode(force_bytes(owner_a.pk))
    codes = [client.get(f"/admin/reset/{uid}/guess-{n}/").status_code for n in range(5)]
    assert codes[:4] == [200] * 4
    assert codes[-1] == 429
    # Even a genuine link waits out the lockout.
    _ask(client, owner_a.email)
    _host, path = _link(mail.outbox[0])
    assert client.get(path).status_code == 429


def test_a_signed_in_member_changes_their_password(tenant_a, owner_a, client_for):
    client = client_for(tenant_a, owner_a)
    assert client.get("/admin/password_change/").status_code == 200
    response = client.post(
        "/admin/password_change/",
        {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW},
    )
    assert response.status_code == 302
    owner_a.refresh_from_db()
    assert owner_a.check_password(NEW)
    # Still signed in here, and the change is in the history with who made it.
    assert client.get("/admin/").status_code == 200
    row = owner_a.history.first()
    assert row.history_change_reason == "Password changed" and row.history_user == owner_a


def test_a_wrong_old_password_changes_nothing(tenant_a, owner_a, client_for):
    client = client_for(tenant_a, owner_a)
    response = client.post(
        "/admin/password_change/",
        {"old_password": "nope", "new_password1": NEW, "new_password2": NEW},
    )
    assert response.status_code == 200
    owner_a.refresh_from_db()
    assert owner_a.check_password(PASSWORD)


def test_staff_change_their_password_on_the_root_host(platform_admin, client_for):
    client = client_for(None, platform_admin)
    response = client.post(
        "/admin/password_change/",
        {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW},
    )
    assert response.status_code == 302
    platform_admin.refresh_from_db()
    assert platform_admin.check_password(NEW)
