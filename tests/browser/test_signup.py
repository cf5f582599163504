"""Sign-up in a real browser: the address is checked live as the person types (a
static script under the CSP), then the emailed link creates the company and the
owner, having chosen a password, lands in the new workspace."""

from __future__ import annotations

import io
import re

import pytest
from django.core import mail
from django.core.management import call_command
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

LISTEN = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI}`);
});
"""


def test_a_company_signs_itself_up_and_its_owner_lands_in_the_workspace(
    transactional_db, tenant_a, page, live_server, settings
):
    call_command("load_plans", stdout=io.StringIO())
    port = live_server.thread.port
    settings.PUBLIC_PORT = str(port)  # links in emails and to the new host use this port
    page.add_init_script(LISTEN)
    page.goto(f"http://localhost:{port}/signup/")

    check = page.get_by_test_id("subdomain-check")
    page.fill("input[name=subdomain]", "acme")
    expect(check).to_have_text("acme.localhost is already taken. Choose another address.")
    page.fill("input[name=subdomain]", "admin")
    expect(check).to_have_text("“admin” is reserved. Choose another address.")
    page.fill("input[name=subdomain]", "initech")
    expect(check).to_have_text("initech.localhost is available.")

    page.fill("input[name=company]", "Initech")
    page.fill("input[name=owner_name]", "Peter Gibbons")
    page.fill("input[name=email]", "peter@initech.test")
    with page.expect_navigation():
        page.locator("#signup-form button[type=submit]").click()
    expect(page.get_by_test_id("signup-sent")).to_contain_text("peter@initech.test")
    assert page.evaluate("window.__cspViolations") == []

    link = re.search(r"http://localhost:\d+/signup/verify/[^/\s]+/", mail.outbox[-1].body)[0]
    page.goto(link)
    with page.expect_navigation():
        page.get_by_role("button", name="Create my workspace").click()

    assert page.url.startswith(f"http://initech.localhost:{port}/invite/")
    page.fill("input[name=password]", "a-Long-pass-42")
    page.fill("input[name=password_again]", "a-Long-pass-42")
    with page.expect_navigation():
        page.get_by_role("button", name="Accept and continue").click()
    expect(page.get_by_test_id("dashboard-company")).to_have_text("Initech")
