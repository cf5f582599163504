"""The XSS-to-owner chain of issue 8, replayed in Chromium and now failing.

Before: an employee attached an HTML "invoice"; the owner opened it; it ran on
the workspace's origin with the owner's session and made the employee an owner.
Now the HTML is refused by its content, and a file that passes the type check
while carrying a script (a PDF that is also HTML) is downloaded as an
attachment under a sandbox CSP: no script runs and nobody's role changes.
"""

from __future__ import annotations

import pytest

from opsplatform.tenancy import tenant_context
from tenants.models import RoleGrant
from tenants.roles import RoleCode
from tests.conftest import PASSWORD
from tests.modules.approvals.factories import make_approval_request

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# What the attacker's script would do first: call home. Any request to this path
# means the script ran on the workspace's origin.
BEACON = "/xss-ran/"
SCRIPT = (
    f"<script>fetch('{BEACON}' + document.domain);"
    "fetch('/admin/tenants/membership/').then(r => r.text()).then(() => "
    f"fetch('{BEACON}owner-session'))</script>"
).encode()
HTML_INVOICE = b"<!DOCTYPE html><html><body>Invoice" + SCRIPT + b"</body></html>"
# Starts like a PDF, so the type check stores it; a browser sniffing it would see HTML.
POLYGLOT = b"%PDF-1.4\n<html><body>" + SCRIPT + b"</body></html>\n%%EOF\n"


def attach(page, name: str, content: bytes, mime: str = "application/pdf"):
    page.set_input_files(
        "input[name=file]", files=[{"name": name, "mimeType": mime, "buffer": content}]
    )
    with page.expect_navigation():
        page.get_by_role("button", name="Attach").click()


def test_an_html_invoice_cannot_make_its_uploader_an_owner(
    tenant_a, owner_a, make_member, page, log_in, url_on
):
    employee = make_member(tenant_a, "erin@acme.test")
    with tenant_context(tenant_a):
        request = make_approval_request(requester=employee, title="Office chairs")
    request_page = url_on(tenant_a, f"/admin/approvals/approvalrequest/{request.pk}/change/")
    beacons = []
    page.context.on("request", lambda r: BEACON in r.url and beacons.append(r.url))

    # The employee tries the HTML "invoice": refused, with the reason.
    log_in(tenant_a, employee.email, PASSWORD)
    page.goto(request_page)
    attach(page, "invoice.pdf", HTML_INVOICE, "text/html")
    assert "content is not an allowed type" in page.content()
    assert page.get_by_test_id("attachments").get_by_role("link").count() == 0

    # The polyglot passes the type check and is stored.
    attach(page, "invoice.pdf", POLYGLOT)
    assert "File attached." in page.content()

    # The owner opens it from the request page: a download, not a page.
    page.context.clear_cookies()
    log_in(tenant_a, owner_a.email, PASSWORD)
    page.goto(request_page)
    link = page.get_by_test_id("attachments").get_by_role("link", name="invoice.pdf")
    href = link.get_attribute("href")
    assert href.startswith("/files/approvals/attachment/")
    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    assert download.suggested_filename == "invoice.pdf"

    # The same address, as the browser receives it (fetched, not rendered).
    status, headers = page.evaluate(
        "href => fetch(href).then(r => [r.status, Object.fromEntries(r.headers.entries())])",
        href,
    )
    assert status == 200
    assert headers["content-disposition"].startswith("attachment;")
    assert headers["content-security-policy"] == "sandbox; default-src 'none'"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["content-type"] == "application/pdf"

    # Even opened in a frame of the workspace, the sandbox keeps script off the origin.
    page.goto(url_on(tenant_a, "/admin/"))
    page.evaluate(
        "href => { const f = document.createElement('iframe'); f.src = href;"
        " document.body.appendChild(f); }",
        href,
    )
    page.wait_for_timeout(1000)

    assert beacons == []
    with tenant_context(tenant_a):
        roles = set(
            RoleGrant.objects.filter(membership__user=employee).values_list("role", flat=True)
        )
    assert roles == {RoleCode.EMPLOYEE}
