"""Stored under a random name that carries the tenant, the original name kept,
and the type refused by content (opsplatform/files/fields.py)."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse

from modules.approvals import services
from modules.approvals.models import Attachment
from modules.employees.models import EmployeeDocument
from opsplatform.files import PNG
from opsplatform.tenancy import tenant_context
from tenants import services as tenant_services
from tests.factories import SAMPLE_CONTENT
from tests.opsplatform.files.conftest import HTML_INVOICE, pdf_bytes, upload

pytestmark = pytest.mark.django_db

ATTACH = "admin:approvals_request_attach"


def messages_of(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


def test_an_upload_is_stored_under_a_random_name_and_keeps_its_original_name(acme):
    with tenant_context(acme.tenant):
        first = services.attachment_add(
            approval=acme.request, user=acme.employee, file=upload("Salaries 2026.pdf", pdf_bytes())
        )
        second = services.attachment_add(
            approval=acme.request, user=acme.employee, file=upload("Salaries 2026.pdf", pdf_bytes())
        )
    pattern = rf"tenants/{acme.tenant.pk}/approvals/attachments/[0-9a-f]{{32}}\.pdf"
    assert re.fullmatch(pattern, first.file.name)
    assert "Salaries" not in first.file.name
    assert first.file.name != second.file.name
    assert first.original_name == "Salaries 2026.pdf"
    assert str(first) == "Salaries 2026.pdf"
    assert default_storage.exists(first.file.name)


def test_a_path_in_the_uploaded_name_is_not_kept(acme):
    with tenant_context(acme.tenant):
        attachment = services.attachment_add(
            approval=acme.request, user=acme.owner, file=upload("../../etc/quote.pdf", pdf_bytes())
        )
    assert attachment.original_name == "quote.pdf"


def test_the_file_links_to_the_private_file_view(acme):
    with tenant_context(acme.tenant):
        attachment = services.attachment_add(
            approval=acme.request, user=acme.owner, file=upload("quote.pdf", pdf_bytes())
        )
    assert attachment.file.url == reverse(
        "private-file", args=["approvals", "attachment", attachment.pk, "file"]
    )
    assert not attachment.file.url.startswith("/media/")


def test_an_html_file_named_invoice_pdf_is_refused_by_the_service(acme):
    with tenant_context(acme.tenant), pytest.raises(ValidationError) as error:
        services.attachment_add(
            approval=acme.request, user=acme.employee, file=upload("invoice.pdf", HTML_INVOICE)
        )
    assert "not an allowed type" in error.value.messages[0]
    with tenant_context(acme.tenant):
        assert not Attachment.objects.exists()


def test_the_attach_form_says_why_an_html_invoice_is_refused_and_stores_nothing(acme, client_for):
    client = client_for(acme.tenant, acme.employee)
    response = client.post(
        reverse(ATTACH, args=[acme.request.pk]),
        {"file": upload("invoice.pdf", HTML_INVOICE)},
        follow=True,
    )
    assert any("content is not an allowed type" in m for m in messages_of(response))
    with tenant_context(acme.tenant):
        assert not Attachment.objects.exists()

    response = client.post(
        reverse(ATTACH, args=[acme.request.pk]),
        {"file": upload("invoice.pdf", pdf_bytes())},
        follow=True,
    )
    assert "File attached." in messages_of(response)
    with tenant_context(acme.tenant):
        assert Attachment.objects.get().original_name == "invoice.pdf"


def test_an_admin_form_refuses_a_disguised_file_with_a_field_error(acme, client_for):
    client = client_for(acme.tenant, acme.hr)
    response = client.post(
        reverse("admin:employees_employeedocument_add"),
        {
            "employee": acme.person.pk,
            "kind": EmployeeDocument.Kind.PASSPORT,
            "number": "P-1",
            "file": upload("passport.png", HTML_INVOICE, "image/png"),
        },
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "not an allowed type" in errors["file"][0]
    with tenant_context(acme.tenant):
        assert not EmployeeDocument.objects.exists()


def test_a_new_companys_logo_is_stored_under_its_own_id(db):
    tenant = tenant_services.tenant_create(
        name="Initech",
        slug="initech",
        logo=ContentFile(SAMPLE_CONTENT[PNG](), "logo.png"),
    )
    tenant.refresh_from_db()
    assert re.fullmatch(rf"tenants/{tenant.pk}/logo/[0-9a-f]{{32}}\.png", tenant.logo.name)
    assert tenant.logo_name == "logo.png"
    assert "new" not in tenant.logo.name


def test_a_stored_file_cannot_be_renamed_by_the_caller(acme):
    with tenant_context(acme.tenant):
        attachment = services.attachment_add(
            approval=acme.request, user=acme.owner, file=upload("a.pdf", pdf_bytes())
        )
        with pytest.raises(ValueError):
            attachment.file.field.generate_filename(attachment, "chosen/by/me.html")
