"""A person's path through a company's workspace in a real browser: signing in
on the company's own host, its dashboard, Arabic right to left, and another
company's objects staying out of reach."""

from __future__ import annotations

import pytest
from django.utils.translation import get_language_info
from playwright.sync_api import expect

from opsplatform.tenancy import tenant_context
from tenants import services
from tenants.models import Membership
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

ARABIC_SCREENSHOT = "/tmp/arabic_dashboard.png"


def test_owner_logs_in_and_sees_company_dashboard(
    transactional_db, tenant_a, owner_a, page, url_on, log_in
):
    page.goto(url_on(tenant_a))
    assert "/admin/login/" in page.url

    log_in(tenant_a, owner_a.email, PASSWORD)

    expect(page.get_by_test_id("dashboard-company")).to_have_text("Acme Corp")
    assert page.evaluate("document.documentElement.dir") == "ltr"


def test_owner_switches_to_arabic_and_the_page_turns_right_to_left(
    transactional_db, tenant_a, owner_a, page, url_on, log_in
):
    log_in(tenant_a, owner_a.email, PASSWORD)
    expect(page.get_by_test_id("dashboard-company")).to_have_text("Acme Corp")

    page.get_by_text(owner_a.email, exact=True).click()  # the account menu in the sidebar
    # The language buttons show each language's own name: "العربيّة", with its shadda.
    page.get_by_role("button", name=get_language_info("ar")["name_local"]).click()

    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    assert page.evaluate("document.documentElement.lang") == "ar"
    expect(page.get_by_test_id("dashboard-company")).to_have_text("Acme Corp")
    page.screenshot(path=ARABIC_SCREENSHOT, full_page=True)


def test_another_companys_object_is_not_found(
    transactional_db, tenant_a, owner_a, owner_b, tenant_b, page, url_on, log_in
):
    with tenant_context(tenant_a):
        acme_membership = Membership.objects.get(user=owner_a)
    with tenant_context(tenant_b):
        globex_membership = Membership.objects.get(user=owner_b)
    change_page = "/admin/tenants/membership/{}/change/"
    log_in(tenant_a, owner_a.email, PASSWORD)
    expect(page.get_by_test_id("dashboard-company")).to_have_text("Acme Corp")

    own = page.goto(url_on(tenant_a, change_page.format(acme_membership.pk)))
    assert own.status == 200  # the same screen opens for Acme's own member
    foreign = page.goto(url_on(tenant_a, change_page.format(globex_membership.pk)))
    assert foreign.status == 404


def test_other_companys_owner_is_refused_at_login(
    transactional_db, tenant_a, owner_b, page, log_in
):
    log_in(tenant_a, owner_b.email, PASSWORD)

    assert "/admin/login/" in page.url
    expect(page.get_by_text("This account does not belong to Acme Corp.")).to_be_visible()


def test_suspended_company_shows_the_suspended_page(transactional_db, tenant_a, page, url_on):
    services.tenant_suspend(tenant=tenant_a, reason="Unpaid")

    response = page.goto(url_on(tenant_a))

    assert response.status == 503
    expect(page.locator("h1")).to_have_text("Acme Corp is suspended")


def test_unknown_host_shows_not_found(transactional_db, page, live_server):
    response = page.goto(f"http://nobody.localhost:{live_server.thread.port}/admin/")

    assert response.status == 404
    expect(page.locator("h1")).to_have_text("Not found")


def test_a_member_of_two_companies_switches_from_the_header(
    transactional_db, tenant_a, tenant_b, make_member, page, url_on, log_in, live_server, settings
):
    settings.PUBLIC_PORT = str(live_server.thread.port)  # links to the other host use this port
    shared = make_member(tenant_a, "shared@demo.test")
    make_member(tenant_b, "shared@demo.test", user=shared)
    log_in(tenant_a, shared.email, PASSWORD)
    expect(page.get_by_test_id("dashboard-company")).to_have_text("Acme Corp")

    # The switch page posts its token to Globex's host by itself: no token in any URL.
    urls = []
    page.on("request", lambda request: urls.append(request.url))
    page.goto(url_on(tenant_a, "/switch/globex/"))

    expect(page.get_by_test_id("dashboard-company")).to_have_text("Globex Ltd")
    assert page.url == url_on(tenant_b, "/admin/")
    assert not [url for url in urls if "token" in url]
