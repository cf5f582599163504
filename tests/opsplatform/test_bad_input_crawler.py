"""Sane input everywhere: as the owner, no add or change form of any model registered in
the tenant admin answers a 500 or stores a hostile value (tests/opsplatform/input_crawler.py)."""

from __future__ import annotations

import pytest
from django.contrib.admin import ModelAdmin as DjangoModelAdmin
from django.urls import path

from modules.employees.models import WorkLocation
from opsplatform.admin import TenantModelAdmin, tenant_site
from opsplatform.admin.sites import TenantAdminSite
from opsplatform.urls.common import urlpatterns as common_urls
from tests.opsplatform.input_crawler import crawl_inputs

pytestmark = pytest.mark.django_db


def test_no_tenant_admin_form_fails_or_keeps_hostile_input(tenant_a, owner_a, client_for):
    report = crawl_inputs(tenant_site, client_for(tenant_a, owner_a), tenant_a)

    assert report.problems == [], "\n".join(report.problems)
    # It really posted forms of the registry (not a hand-kept list), add and change.
    crawled = {label.split(" ")[0] for label in report.forms}
    assert {"employees.Employee", "approvals.ApprovalRequest", "tenants.Invitation"} <= crawled
    assert any(" add " in label for label in report.forms)
    assert any(" change " in label for label in report.forms)
    assert report.posts > 100


# -- the crawler catches an admin that skips the kernel's input hardening ------------------

careless_site = TenantAdminSite(name="admin")


class CarelessWorkLocationAdmin(TenantModelAdmin):
    fields = ["name", "address", "time_zone"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        return DjangoModelAdmin.formfield_for_dbfield(self, db_field, request, **kwargs)


careless_site.register(WorkLocation, CarelessWorkLocationAdmin)
urlpatterns = [path("admin/", careless_site.urls), *common_urls]


@pytest.mark.urls(__name__)
def test_crawler_reports_an_admin_that_keeps_bidi_controls_and_huge_texts(
    tenant_a, owner_a, client_for
):
    report = crawl_inputs(careless_site, client_for(tenant_a, owner_a), tenant_a)
    problems = "\n".join(report.problems)
    assert "name='Ann" in problems and "bidi control" in problems
    assert "address=" in problems and "100000 characters" in problems
