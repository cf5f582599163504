"""Playwright (sync API) driving Debian's Chromium against pytest-django's live server.

Each company is reached on its own host, ``<slug>.localhost:<port>``; Chromium
resolves every ``*.localhost`` name to the loopback address by itself.
"""

from __future__ import annotations

import os

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


def _require_chromium() -> None:
    if os.access(CHROMIUM, os.X_OK):
        return
    reason = f"browser tests need Chromium at {CHROMIUM} (apt-get install chromium)"
    if os.environ.get("CI", "").strip().lower() == "true":
        pytest.fail(f"{reason}; CI=true, so a missing browser is a failure")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser():
    _require_chromium()
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an asyncio loop running in this thread, which
    # trips Django's async-unsafe guard on the test's own ORM calls. Allow it
    # only while the browser is up, so the rest of the suite keeps the guard.
    with pytest.MonkeyPatch.context() as mp, sync_playwright() as playwright:
        mp.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(  # wider than 1280px: unfold shows the sidebar
        viewport={"width": 1440, "height": 900}, locale="en-US"
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def url_on(live_server):
    """``url_on(tenant, "/admin/")``: an address on the company's own host."""

    def make(tenant, path: str = "/admin/") -> str:
        return f"http://{tenant.slug}.localhost:{live_server.thread.port}{path}"

    return make


@pytest.fixture
def log_in(page, url_on):
    """Sign in through the login form on the company's host, as a person would."""

    def submit(tenant, email: str, password: str):
        page.goto(url_on(tenant))
        page.fill("input[name=username]", email)
        page.fill("input[name=password]", password)
        with page.expect_navigation():
            page.locator("#login-form button[type=submit]").click()
        return page

    return submit
