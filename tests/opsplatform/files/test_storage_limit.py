"""The plan's file storage (``files.storage_mb``) refuses an upload that would
pass it: on a form as that field's error, elsewhere as ``LimitReached``; in
both cases nothing is stored (opsplatform/files/fields.py, docs/billing.md)."""

from __future__ import annotations

import os

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse

from modules.approvals import services as approvals
from modules.approvals.models import Attachment
from modules.employees.models import EmployeeDocument
from opsplatform.billing.entitlements import LimitReached
from opsplatform.billing.models import Plan
from opsplatform.billing.services import subscription_assign
from opsplatform.contract.registry import plan_features
from opsplatform.files.fields import MB
from opsplatform.tenancy import tenant_context
from tests.opsplatform.files.conftest import pdf_bytes, upload

pytestmark = pytest.mark.django_db

LIMIT = "files.storage_mb"
LABEL = "File storage (MB)"


@pytest.fixture
def media(settings, tmp_path):
    """A storage of this test's own: the shared test media may hold earlier runs' files."""
    settings.MEDIA_ROOT = str(tmp_path)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    return tmp_path


@pytest.fixture
def on_plan(db):
    """Put a company on a private plan with every feature and the given limits;
    "Roomy", the only plan offered, has no caps (the one the message names)."""
    Plan.objects.all().delete()
    Plan.objects.create(code="roomy", name="Roomy", tier=5, limits={})

    def put(tenant, limits):
        plan = Plan.objects.create(
            code="capped",
            name="Capped",
            tier=1,
            is_public=False,
            features=[feature.code for feature in plan_features()],
            limits=limits,
        )
        subscription_assign(tenant=tenant, plan=plan)
        return plan

    return put


def fill(tenant, megabytes: int) -> None:
    default_storage.save(f"tenants/{tenant.pk}/filler/a.bin", ContentFile(b"x" * megabytes * MB))


def stored_files(media, tenant) -> list[str]:
    """What is stored for ``tenant`` besides the filler."""
    found = []
    for folder, _dirs, files in os.walk(media / "tenants" / str(tenant.pk)):
        found += [os.path.join(folder, name) for name in files if "filler" not in folder]
    return found


def add_document(client, person):
    return client.post(
        reverse("admin:employees_employeedocument_add"),
        {
            "employee": person.pk,
            "kind": EmployeeDocument.Kind.PASSPORT,
            "number": "P-1",
            "file": upload("passport.pdf", pdf_bytes()),
        },
    )


def test_an_upload_within_the_cap_is_stored(acme, client_for, media, on_plan):
    on_plan(acme.tenant, {LIMIT: 2})
    fill(acme.tenant, 1)

    response = add_document(client_for(acme.tenant, acme.hr), acme.person)

    assert response.status_code == 302, response.content.decode()[:2000]
    with tenant_context(acme.tenant):
        document = EmployeeDocument.objects.get()
    assert default_storage.exists(document.file.name)
    assert len(stored_files(media, acme.tenant)) == 1


def test_an_upload_past_the_cap_is_a_field_error_naming_the_limit_and_stores_nothing(
    acme, client_for, media, on_plan
):
    on_plan(acme.tenant, {LIMIT: 1})
    fill(acme.tenant, 1)  # the cap is used up: any file adds at least 1 MB

    response = add_document(client_for(acme.tenant, acme.hr), acme.person)

    assert response.status_code == 200
    (error,) = response.context["adminform"].form.errors["file"]
    assert LABEL in error and "Roomy" in error
    with tenant_context(acme.tenant):
        assert not EmployeeDocument.objects.exists()
    assert stored_files(media, acme.tenant) == []


def test_an_upload_without_a_form_past_the_cap_raises_and_stores_nothing(acme, media, on_plan):
    on_plan(acme.tenant, {LIMIT: 1})
    fill(acme.tenant, 1)

    with tenant_context(acme.tenant), pytest.raises(LimitReached) as refused:
        approvals.attachment_add(
            approval=acme.request, user=acme.employee, file=upload("quote.pdf", pdf_bytes())
        )

    assert LABEL in refused.value.messages[0]
    with tenant_context(acme.tenant):
        assert not Attachment.objects.exists()
    assert stored_files(media, acme.tenant) == []


def test_the_request_pages_attach_past_the_cap_says_why_and_stores_nothing(
    acme, client_for, media, on_plan
):
    on_plan(acme.tenant, {LIMIT: 1})
    fill(acme.tenant, 1)

    response = client_for(acme.tenant, acme.employee).post(
        reverse("admin:approvals_request_attach", args=[acme.request.pk]),
        {"file": upload("quote.pdf", pdf_bytes())},
        follow=True,
    )

    assert any(LABEL in str(m) and "Roomy" in str(m) for m in response.context["messages"])
    with tenant_context(acme.tenant):
        assert not Attachment.objects.exists()
    assert stored_files(media, acme.tenant) == []


def test_the_upload_counts_its_size_in_whole_megabytes(acme, media, on_plan):
    on_plan(acme.tenant, {LIMIT: 2})
    fill(acme.tenant, 1)
    big = upload("scan.pdf", pdf_bytes() + b"0" * MB)  # just over 1 MB: counts 2

    with tenant_context(acme.tenant), pytest.raises(LimitReached):
        approvals.attachment_add(approval=acme.request, user=acme.employee, file=big)


def test_a_plan_with_unlimited_storage_never_refuses_nor_counts(
    acme, client_for, media, on_plan, monkeypatch
):
    on_plan(acme.tenant, {LIMIT: None})
    fill(acme.tenant, 5)

    def walked(tenant):
        raise AssertionError("an unlimited plan walks no storage")

    monkeypatch.setattr("opsplatform.files.usage.stored_megabytes", walked)
    response = add_document(client_for(acme.tenant, acme.hr), acme.person)
    assert response.status_code == 302, response.content.decode()[:2000]
    with tenant_context(acme.tenant):
        approvals.attachment_add(
            approval=acme.request, user=acme.employee, file=upload("quote.pdf", pdf_bytes())
        )
        assert EmployeeDocument.objects.count() == 1 and Attachment.objects.count() == 1
    assert len(stored_files(media, acme.tenant)) == 2
