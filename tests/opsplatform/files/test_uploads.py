"""Each private field's size limit holds while the upload streams: past it no
byte is passed on to be stored, the form says so, and nothing is saved
(opsplatform/files/uploads.py)."""

from __future__ import annotations

import pytest
from django.core.files.uploadhandler import FileUploadHandler
from django.test import RequestFactory, override_settings
from django.urls import resolve, reverse

from modules.approvals.models import Attachment
from modules.employees.models import Employee, EmployeeDocument, ImportJob
from opsplatform.files.fields import MB
from opsplatform.files.uploads import OversizedUpload, PrivateUploadHandler, limit_for
from opsplatform.tenancy import tenant_context
from tests.opsplatform.files.conftest import pdf_bytes, upload

pytestmark = pytest.mark.django_db


class RecordingHandler(FileUploadHandler):
    """Installed after the private handler: sees only what it lets through."""

    received = 0

    def receive_data_chunk(self, raw_data, start):
        RecordingHandler.received += len(raw_data)
        return raw_data

    def file_complete(self, file_size):
        return None


STREAMING = [
    "opsplatform.files.uploads.PrivateUploadHandler",
    "tests.opsplatform.files.test_uploads.RecordingHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]


def big_pdf(size: int) -> bytes:
    return pdf_bytes() + b"0" * size


@pytest.fixture
def one_mb_attachments(monkeypatch):
    monkeypatch.setattr(Attachment._meta.get_field("file"), "max_size", MB)


def messages_of(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


@override_settings(FILE_UPLOAD_HANDLERS=STREAMING)
def test_an_attachment_past_its_limit_is_cut_off_while_streaming(
    acme, client_for, one_mb_attachments
):
    RecordingHandler.received = 0
    response = client_for(acme.tenant, acme.employee).post(
        reverse("admin:approvals_request_attach", args=[acme.request.pk]),
        {"file": upload("scan.pdf", big_pdf(3 * MB))},
        follow=True,
    )
    assert "The file is larger than 1 MB." in messages_of(response)
    # Bytes past the limit never reached the handlers that store them.
    assert RecordingHandler.received <= MB
    with tenant_context(acme.tenant):
        assert not Attachment.objects.exists()


@override_settings(FILE_UPLOAD_HANDLERS=STREAMING)
def test_an_attachment_under_its_limit_is_stored_whole(acme, client_for, one_mb_attachments):
    RecordingHandler.received = 0
    content = big_pdf(MB // 2)
    client_for(acme.tenant, acme.employee).post(
        reverse("admin:approvals_request_attach", args=[acme.request.pk]),
        {"file": upload("scan.pdf", content)},
    )
    assert RecordingHandler.received == len(content)
    with tenant_context(acme.tenant):
        assert Attachment.objects.get().file.size == len(content)


def test_an_admin_form_says_the_file_is_too_large_and_saves_nothing(acme, client_for, monkeypatch):
    monkeypatch.setattr(EmployeeDocument._meta.get_field("file"), "max_size", MB)
    response = client_for(acme.tenant, acme.hr).post(
        reverse("admin:employees_employeedocument_add"),
        {
            "employee": acme.person.pk,
            "kind": EmployeeDocument.Kind.PASSPORT,
            "file": upload("passport.pdf", big_pdf(2 * MB)),
        },
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["file"] == ["The file is larger than 1 MB."]
    with tenant_context(acme.tenant):
        assert not EmployeeDocument.objects.exists()


def test_the_import_form_caps_its_file_at_the_import_limit(acme, client_for, monkeypatch):
    monkeypatch.setattr(ImportJob._meta.get_field("file"), "max_size", MB)
    csv = b"employee_number,first_name\n" + b"E-1,Ada\n" * (MB // 8 + 10)
    response = client_for(acme.tenant, acme.hr).post(
        reverse("admin:employees_employee_import"), {"file": upload("people.csv", csv, "text/csv")}
    )
    assert "The file is larger than 1 MB." in response.content.decode()
    with tenant_context(acme.tenant):
        assert not ImportJob.objects.exists()


# -- which limit applies to which multipart part ------------------------------------


def request_for(path: str):
    request = RequestFactory().post(path)
    request.resolver_match = resolve(path)
    return request


def test_the_limit_follows_the_field_the_part_is_for(acme):
    change = request_for(reverse("admin:employees_employee_change", args=[acme.person.pk]))
    assert limit_for(change, "photo") == Employee._meta.get_field("photo").max_size
    # An inline's part carries its formset prefix.
    assert (
        limit_for(change, "documents-0-file") == EmployeeDocument._meta.get_field("file").max_size
    )
    assert (
        limit_for(change, "documents-12-file") == EmployeeDocument._meta.get_field("file").max_size
    )

    attach = request_for(reverse("admin:approvals_request_attach", args=[acme.request.pk]))
    assert limit_for(attach, "file") == Attachment._meta.get_field("file").max_size

    importing = request_for(reverse("admin:employees_employee_import"))
    assert limit_for(importing, "file") == 50 * MB


@override_settings(FILE_UPLOAD_MAX_BYTES=123)
def test_a_part_for_no_private_field_gets_the_global_limit(acme):
    change = request_for(reverse("admin:employees_employee_change", args=[acme.person.pk]))
    assert limit_for(change, "anything-else") == 123
    assert limit_for(request_for("/admin/"), "file") == 123


def test_the_handler_drops_every_chunk_past_the_limit():
    handler = PrivateUploadHandler(request=None)
    with override_settings(FILE_UPLOAD_MAX_BYTES=10):
        handler.new_file("file", "a.pdf", "application/pdf", None)
    assert handler.receive_data_chunk(b"12345", 0) == b"12345"
    assert handler.receive_data_chunk(b"12345", 5) == b"12345"
    assert handler.receive_data_chunk(b"1", 10) is None
    assert handler.receive_data_chunk(b"12345", 11) is None
    oversized = handler.file_complete(16)
    assert isinstance(oversized, OversizedUpload)
    assert oversized.limit == 10 and oversized.read() == b""


def test_a_body_read_before_url_resolution_still_gets_its_fields_limit(acme):
    path = reverse("admin:approvals_request_attach", args=[acme.request.pk])
    request = RequestFactory().post(path)  # no resolver_match yet
    assert limit_for(request, "file") == Attachment._meta.get_field("file").max_size
