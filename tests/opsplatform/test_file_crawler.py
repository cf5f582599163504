"""User files are private (docs/files.md): every private file of tenant A is a
404 to tenant B, to anonymous visitors and to a member without the right, and
A's owner gets it as a sandboxed download."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.http import FileResponse, Http404
from django.urls import path

from opsplatform.admin import tenant_site
from opsplatform.urls.common import urlpatterns as common_urls
from tests.opsplatform.file_crawler import crawl_files, make_files, private_file_models

pytestmark = pytest.mark.django_db


@pytest.fixture
def clients(tenant_a, tenant_b, owner_a, owner_b, make_member, client_for):
    employee = make_member(tenant_a, "plain@acme.test")
    return {
        "owner": client_for(tenant_a, owner_a),
        "stranger": client_for(tenant_b, owner_b),
        "anonymous": client_for(tenant_a),
        "member": client_for(tenant_a, employee),
    }


def test_every_private_file_of_tenant_a_reaches_only_those_who_may_see_it(tenant_a, clients):
    stored = make_files(tenant_a)

    report = crawl_files(stored, tenant=tenant_a, site=tenant_site, **clients)

    assert report.problems == []
    # Found from the installed apps, not from a hand-kept list.
    assert {f.label for f in stored} == {
        f"{model._meta.label}.{field.name}"
        for model in private_file_models()
        for field in model._meta.get_fields()
        if getattr(field, "area", None)
    }
    assert {
        "approvals.PaymentDetails.invoice",
        "approvals.Attachment.file",
        "employees.Employee.photo",
        "employees.EmployeeDocument.file",
        "employees.ImportJob.file",
        "tenants.Tenant.logo",
    } <= set(report.files)
    # The "member without the right" check really ran: a plain employee may not
    # see another person's documents, requests or import files.
    assert {
        "employees.EmployeeDocument.file",
        "approvals.Attachment.file",
        "employees.ImportJob.file",
    } <= set(report.refused_to_member)


# -- the crawler catches a deliberately leaky serving path ----------------------------


def leaky_file(request, app_label, model_name, pk, field_name):
    """Finds the row by id alone, checks nobody and serves inline: the mistakes
    the crawler exists to catch."""
    model = apps.get_model(app_label, model_name)
    row = model._base_manager.filter(pk=pk).first()
    if row is None:  # row-level security (PostgreSQL) still hides another tenant's rows
        raise Http404
    return FileResponse(getattr(row, field_name).open("rb"))


urlpatterns = [
    path("admin/", tenant_site.urls),
    path(
        "files/<str:app_label>/<str:model_name>/<int:pk>/<str:field_name>/",
        leaky_file,
        name="private-file",
    ),
    *common_urls,
]


@pytest.mark.urls(__name__)
def test_file_crawler_reports_a_leaky_serving_path(tenant_a, clients):
    stored = make_files(tenant_a)

    report = crawl_files(stored, tenant=tenant_a, site=tenant_site, urlconf=__name__, **clients)

    leaks = "\n".join(report.problems)
    assert "employees.EmployeeDocument.file: anonymous visitor: HTTP 200" in leaks
    assert "employees.EmployeeDocument.file: employee without the right: HTTP 200" in leaks
    assert "approvals.Attachment.file: employee without the right: HTTP 200" in leaks
    assert "approvals.PaymentDetails.invoice: owner: no sandboxing Content-Security-Policy" in leaks
    # Served inline under its random stored name instead of as a download.
    assert "approvals.PaymentDetails.invoice: owner: Content-Disposition" in leaks
    # (B's owner reaching A's rows is stopped by row-level security on PostgreSQL
    # even through this view, so it is not asserted here; the logo is not RLS data.)
    assert "tenants.Tenant.logo: tenant B's owner: HTTP 200" in leaks
