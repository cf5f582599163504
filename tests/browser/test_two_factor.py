"""Platform staff enrol an authenticator in a real browser before the landlord admin,
and a locked-out person sees when to try again."""

from __future__ import annotations

import base64

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import expect

from tenants.models import User
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_staff_scan_type_the_code_and_reach_the_landlord_admin(transactional_db, page, live_server):
    staff = User.objects.create_superuser(email="ops@platform.test", password=PASSWORD)
    root = f"http://localhost:{live_server.thread.port}"
    page.goto(f"{root}/admin/")
    page.fill("input[name=username]", staff.email)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.locator("#login-form button[type=submit]").click()

    assert "/admin/two-factor/setup/" in page.url
    expect(page.locator("#two-factor-qr svg")).to_be_visible()
    page.screenshot(path="/tmp/two_factor_setup.png", full_page=True)
    secret = page.locator("#two-factor-secret").inner_text()
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    page.fill("input[name=otp_token]", f"{TOTP(key).token():06d}")
    page.locator("#two-factor-setup-form button[type=submit]").click()

    expect(page.locator("#recovery-codes li")).to_have_count(10)
    page.get_by_text("Continue").click()
    expect(page.get_by_text("Companies").first).to_be_visible()
    assert page.url.rstrip("/").endswith("/admin")


def test_a_locked_out_person_is_told_when_to_try_again(
    transactional_db, tenant_a, owner_a, page, url_on, log_in
):
    for _ in range(5):
        log_in(tenant_a, owner_a.email, "wrong-password")
    expect(page.locator("#lockout")).to_contain_text("try again in 15 minutes")
    page.screenshot(path="/tmp/lockout.png", full_page=True)
