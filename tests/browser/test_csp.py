# ruff: noqa: F811  (the "chain" fixture is imported, then named by the tests)
"""The Content-Security-Policy holds on the main screens: each page loads with no
violation reported, in English and in Arabic, and still works (Alpine.js dropdowns,
the sidebar, the live bell), so the policy is strict without breaking unfold."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from modules.approvals import services as approvals
from modules.employees.models import Employee
from opsplatform.tenancy import tenant_context
from tenants import services as tenants
from tests.conftest import PASSWORD
from tests.modules.approvals.conftest import (
    chain,  # noqa: F401  (fixture)
    purchase,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

URLCONF = "opsplatform.urls.tenant"

LISTEN = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI} at ${e.sourceFile}:${e.lineNumber}`);
});
"""


@pytest.fixture
def watched(page):
    """The page, with every CSP report of the browser collected (console and events)."""
    console: list[str] = []
    page.add_init_script(LISTEN)
    page.on(
        "console",
        lambda message: (
            console.append(message.text)
            if "Content Security Policy" in message.text or "Refused to" in message.text
            else None
        ),
    )

    def violations() -> list[str]:
        return console + page.evaluate("window.__cspViolations || []")

    page.violations = violations
    yield page
    # Let the page's last requests (the bell's fetch, the inbox count) finish
    # before the live server's database is flushed under them.
    page.wait_for_load_state("networkidle")
    page.goto("about:blank")


def _pages(chain, request_pk, employee_pk) -> list[str]:
    return [
        reverse("admin:index", urlconf=URLCONF),
        reverse("admin:employees_employee_changelist", urlconf=URLCONF),
        reverse("admin:employees_employee_change", args=[employee_pk], urlconf=URLCONF),
        reverse("admin:approvals_inbox", urlconf=URLCONF),
        reverse("admin:approvals_approvalrequest_change", args=[request_pk], urlconf=URLCONF),
    ]


def _submitted_request(chain):
    with tenant_context(chain.tenant):
        request = purchase(chain.requester, title="Desks")
        approvals.request_submit(request_id=request.pk, user=chain.requester)
        return request, Employee.objects.order_by("pk").first()


def _without_live_pushes(work):
    """Playwright's event loop runs in the test's thread, where the live pushes that
    services send on commit (async_to_sync) cannot run; they are not under test here."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("opsplatform.realtime.publish.group_send_now", lambda *args: None)
        return work()


def _open_the_bell(page):
    page.locator("#notification-bell-button").click()
    panel = page.locator("[data-notification-panel]")
    expect(panel).to_be_visible()  # Alpine.js ran (x-show)
    expect(panel).not_to_contain_text("Loading")  # notifications.js fetched the list
    page.locator("#notification-bell-button").click()


def test_main_screens_report_no_csp_violation_in_english_and_arabic(
    chain,
    watched,
    log_in,
    url_on,
):
    page = watched
    request, employee = _without_live_pushes(lambda: _submitted_request(chain))
    log_in(chain.tenant, chain.owner.email, PASSWORD)
    response = page.goto(url_on(chain.tenant, "/admin/"))
    policy = response.headers["content-security-policy"]
    assert "'unsafe-inline'" not in policy.split("script-src", 1)[1].split(";", 1)[0]
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy

    for path in _pages(chain, request.pk, employee.pk):
        response = page.goto(url_on(chain.tenant, path))
        assert response.status == 200, path
        _open_the_bell(page)
        assert page.violations() == [], path

    # The sidebar works: a click on a link opens its screen.
    page.goto(url_on(chain.tenant, "/admin/"))
    page.get_by_role("link", name="Employees").first.click()
    expect(page).to_have_url(
        url_on(chain.tenant, reverse("admin:employees_employee_changelist", urlconf=URLCONF))
    )
    assert page.violations() == []

    tenants.user_set_language(
        user=chain.owner, language="ar"
    )  # publishes nothing: no thread needed
    for path in _pages(chain, request.pk, employee.pk):
        response = page.goto(url_on(chain.tenant, path))
        assert response.status == 200, path
        assert page.evaluate("document.documentElement.dir") == "rtl"
        _open_the_bell(page)
        assert page.violations() == [], path


def test_the_inbox_select_all_and_cancel_confirmation_work_without_inline_handlers(
    chain,
    watched,
    log_in,
    url_on,
):
    page = watched
    request, _employee = _without_live_pushes(lambda: _submitted_request(chain))
    log_in(chain.tenant, chain.manager.email, PASSWORD)
    page.goto(url_on(chain.tenant, reverse("admin:approvals_inbox", urlconf=URLCONF)))
    page.locator("input[data-select-all]").check()
    expect(page.locator("input[name=request]").first).to_be_checked()
    assert page.violations() == []

    page.context.clear_cookies()
    log_in(chain.tenant, chain.requester.email, PASSWORD)
    page.goto(
        url_on(
            chain.tenant,
            reverse("admin:approvals_approvalrequest_change", args=[request.pk], urlconf=URLCONF),
        )
    )
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.get_by_role("button", name="Cancel request").click()
    assert asked == ["Cancel this request?"]
    assert page.violations() == []


def test_an_inline_script_without_the_nonce_is_refused(chain, watched, log_in, url_on):
    """The listener above really hears violations: a script injected without the nonce."""
    page = watched
    log_in(chain.tenant, chain.owner.email, PASSWORD)
    page.goto(url_on(chain.tenant, "/admin/"))
    page.evaluate(
        """() => { const s = document.createElement("script");
                   s.textContent = "window.__ran = true"; document.body.appendChild(s); }"""
    )
    page.wait_for_function("window.__cspViolations.length > 0")
    assert page.evaluate("window.__ran === undefined")
    assert any("script-src" in v for v in page.violations())
