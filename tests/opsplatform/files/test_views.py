"""One view serves private files: a 404 for everyone who may not see the
object, a sandboxed download for those who may; in production the bytes come
from nginx or a short-lived S3 link (opsplatform/files/views.py)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import override_settings
from django.urls import reverse

from modules.approvals import services
from modules.employees.models import Employee
from opsplatform.files import PNG
from opsplatform.tenancy import tenant_context
from opsplatform.urls.common import urlpatterns as common_urls
from tests.factories import SAMPLE_CONTENT
from tests.modules.approvals.factories import make_payment_details
from tests.opsplatform.files.conftest import HTML_INVOICE, pdf_bytes, upload

pytestmark = pytest.mark.django_db

SANDBOX = "sandbox; default-src 'none'"


@pytest.fixture
def invoice(acme):
    # The invoice is on the payment's own details (modules/approvals/kinds/payment.py).
    with tenant_context(acme.tenant):
        payment = make_payment_details(requester=acme.employee)
        payment.invoice.save("Invoice März.pdf", ContentFile(pdf_bytes()), save=True)
    return payment


def file_url(obj, field: str) -> str:
    return reverse("private-file", args=[obj._meta.app_label, obj._meta.model_name, obj.pk, field])


def test_the_owner_downloads_a_sandboxed_attachment_under_its_original_name(
    acme, invoice, client_for
):
    response = client_for(acme.tenant, acme.owner).get(invoice.invoice.url)
    assert response.status_code == 200
    assert response.getvalue().startswith(b"%PDF-")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''Invoice%20M%C3%A4rz.pdf"
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == SANDBOX
    assert "private" in response["Cache-Control"]


def test_the_requester_may_download_their_own_invoice(acme, invoice, client_for):
    assert client_for(acme.tenant, acme.employee).get(invoice.invoice.url).status_code == 200


def test_an_image_may_show_inline_but_still_sandboxed(acme, client_for):
    with tenant_context(acme.tenant):
        person = Employee.objects.get(pk=acme.person.pk)
        person.photo.save("me.png", ContentFile(SAMPLE_CONTENT[PNG]()), save=True)
    response = client_for(acme.tenant, acme.hr).get(person.photo.url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == 'inline; filename="me.png"'
    assert response["Content-Security-Policy"] == SANDBOX


def test_refusals_all_look_like_a_missing_file(
    acme, invoice, client_for, tenant_b, owner_b, make_member
):
    url = invoice.invoice.url
    outsider = make_member(tenant_a := acme.tenant, "oscar@acme.test")
    cases = {
        "anonymous": client_for(tenant_a).get(url),
        "member who may not see the request": client_for(tenant_a, outsider).get(url),
        "another company's owner": client_for(tenant_b, owner_b).get(url),
        "another company's member of both": client_for(tenant_b, acme.owner).get(url),
        "unknown id": client_for(tenant_a, acme.owner).get(
            url.replace(f"/{invoice.pk}/", "/999999/")
        ),
        "unknown model": client_for(tenant_a, acme.owner).get("/files/approvals/nothing/1/file/"),
        "a field that is no file": client_for(tenant_a, acme.owner).get(file_url(invoice, "payee")),
        "an empty file field": client_for(tenant_a, acme.owner).get(file_url(acme.person, "photo")),
    }
    assert {who: r.status_code for who, r in cases.items()} == dict.fromkeys(cases, 404)
    # Not a redirect to the login page either: nothing tells that the file exists.
    assert "Location" not in cases["anonymous"]


def test_another_companys_logo_is_not_served_on_this_host(tenant_a, tenant_b, owner_a, client_for):
    tenant_b.logo.save("globex.png", ContentFile(SAMPLE_CONTENT[PNG]()), save=True)
    own = client_for(tenant_b, owner_a)  # not a member of Globex
    assert own.get(tenant_b.logo.url).status_code == 404
    assert client_for(tenant_a, owner_a).get(tenant_b.logo.url).status_code == 404


def test_every_member_sees_the_companys_logo(tenant_a, acme, client_for):
    tenant_a.logo.save("acme.png", ContentFile(SAMPLE_CONTENT[PNG]()), save=True)
    response = client_for(tenant_a, acme.employee).get(tenant_a.logo.url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"


def test_a_file_stored_before_names_were_random_is_an_opaque_download(acme, client_for):
    # An old row: its stored name was the uploader's, its content anything.
    name = default_storage.save(
        f"tenants/{acme.tenant.pk}/approvals/evil.html", ContentFile(HTML_INVOICE)
    )
    with tenant_context(acme.tenant):
        payment = make_payment_details(requester=acme.employee)
        type(payment).objects.filter(pk=payment.pk).update(invoice=name, invoice_name="evil.html")
    response = client_for(acme.tenant, acme.owner).get(file_url(payment, "invoice"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"] == 'attachment; filename="evil.html"'
    assert response["Content-Security-Policy"] == SANDBOX


def test_the_view_only_reads(acme, invoice, client_for):
    response = client_for(acme.tenant, acme.owner).post(invoice.invoice.url)
    assert response.status_code == 405


def test_no_media_route_on_any_host():
    assert not any("media" in str(pattern.pattern) for pattern in common_urls)


@override_settings(PRIVATE_FILES_ACCEL_PREFIX="/_private/")
def test_in_production_nginx_sends_the_bytes(acme, invoice, client_for):
    response = client_for(acme.tenant, acme.owner).get(invoice.invoice.url)
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == f"/_private/{invoice.invoice.name}"
    assert response.content == b""
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Security-Policy"] == SANDBOX
    assert response["X-Content-Type-Options"] == "nosniff"


S3 = {
    "default": {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": "ops-private",
            "access_key": "AKIAEXAMPLEEXAMPLE00",
            "secret_key": "dummy-secret-for-local-presigning-only",
            "region_name": "eu-west-1",
            "querystring_auth": True,
            "signature_version": "s3v4",
        },
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}


def test_with_s3_storage_it_redirects_to_a_short_lived_signed_download(acme, client_for):
    with tenant_context(acme.tenant):
        attachment = services.attachment_add(
            approval=acme.request, user=acme.owner, file=upload("quote.pdf", pdf_bytes())
        )
    # Presigning happens locally (no network): the file need not exist in the bucket.
    with override_settings(STORAGES=S3, PRIVATE_FILES_URL_EXPIRY=60):
        response = client_for(acme.tenant, acme.owner).get(attachment.file.url)
    assert response.status_code == 302
    location = urlparse(response["Location"])
    query = parse_qs(location.query)
    assert "ops-private" in location.netloc + location.path
    assert location.path.endswith(attachment.file.name)
    assert query["X-Amz-Expires"] == ["60"]
    assert "X-Amz-Signature" in query
    assert query["response-content-disposition"] == ['attachment; filename="quote.pdf"']
    assert query["response-content-type"] == ["application/pdf"]
