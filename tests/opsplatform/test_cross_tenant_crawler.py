"""Tenancy invariant 9: as tenant A's owner, nothing of tenant B's is reachable
through any screen of any model registered in the tenant admin."""

from __future__ import annotations

import pytest
from django.apps import apps as django_apps
from django.contrib import admin as django_admin
from django.urls import path

from opsplatform.admin import TenantModelAdmin, tenant_site
from opsplatform.admin.sites import TenantAdminSite
from opsplatform.urls.common import urlpatterns as common_urls
from tenants.models import Invitation, Membership, RoleGrant
from tests.db_roles import as_owner
from tests.opsplatform.crawler import MissingFactory, crawl, make_rows

pytestmark = pytest.mark.django_db


def test_every_tenant_admin_model_keeps_tenant_b_out(tenant_a, tenant_b, owner_a, client_for):
    make_rows(tenant_site, tenant_a)
    foreign = make_rows(tenant_site, tenant_b)

    report = crawl(tenant_site, client_for(tenant_a, owner_a), foreign)

    assert report.problems == []
    # The crawler really walked the registry (not a hand-kept list).
    assert set(report.models) == {m._meta.label for m in tenant_site._registry}
    assert report.requests >= 5 * len(report.models)


def test_crawler_fails_for_a_registered_model_without_a_factory(tenant_b):
    site = TenantAdminSite(name="nofactory")
    from tenants.models import Tenant

    # Any model will do; Tenant has no entry in TENANT_FACTORIES.
    site.register(Tenant, TenantModelAdmin)
    with pytest.raises(MissingFactory, match="tenants.Tenant"):
        make_rows(site, tenant_b)


def test_the_factory_registry_is_filled_from_each_installed_modules_factories():
    from opsplatform.files.fields import private_fields
    from opsplatform.tenancy.models import TenantModel
    from tests.factories import factory_modules, tenant_factories

    assert factory_modules()[:2] == [
        "tests.modules.employees.factories",
        "tests.modules.approvals.factories",
    ]
    labels = {model._meta.label for model in tenant_factories()}
    # Every tenant admin model and every tenant model holding files has one.
    needed = {model._meta.label for model in tenant_site._registry} | {
        model._meta.label
        for model in django_apps.get_models()
        if issubclass(model, TenantModel) and private_fields(model)
    }
    assert needed <= labels
    assert {"employees.Employee", "approvals.ApprovalRequest", "tenants.Membership"} <= labels


def test_crawler_fails_for_a_module_model_whose_factory_is_missing(tenant_b, monkeypatch):
    from modules.employees.models import Department
    from tests import factories

    without = {m: make for m, make in factories.tenant_factories().items() if m is not Department}
    monkeypatch.setattr(factories, "TENANT_FACTORIES", without)
    monkeypatch.setattr(factories, "factory_modules", lambda: [])
    with pytest.raises(MissingFactory, match="employees.Department is registered"):
        make_rows(tenant_site, tenant_b)


# -- the crawler catches a deliberately leaky admin ---------------------------

leaky_site = TenantAdminSite(name="admin")


class LeakyInvitationAdmin(TenantModelAdmin):
    """Bypasses the tenant filter, the mistake the crawler exists to catch."""

    def get_queryset(self, request):
        return Invitation.all_tenants.all()


class LeakyHistoryMembershipAdmin(TenantModelAdmin):
    """Filters its list properly but reads history by id alone across every
    tenant (history is scoped to the current tenant, so that takes an explicit
    ``all_tenants()``), and its autocomplete searches every tenant."""

    search_fields = ["user__email"]

    def get_search_results(self, request, queryset, search_term):
        if "autocomplete" in request.path:
            return Membership.all_tenants.all(), False
        return super().get_search_results(request, queryset, search_term)

    def get_history_queryset(self, request, history_manager, pk_name, object_id):
        return history_manager.all_tenants().filter(**{pk_name: object_id})

    def history_view(self, request, object_id, extra_context=None):
        return super(TenantModelAdmin, self).history_view(request, object_id, extra_context)


leaky_site.register(Invitation, LeakyInvitationAdmin)
leaky_site.register(Membership, LeakyHistoryMembershipAdmin)
# A well-behaved admin whose foreign key gives the autocomplete above a source.
leaky_site.register(RoleGrant, TenantModelAdmin)

urlpatterns = [path("admin/", leaky_site.urls), *common_urls]


@pytest.mark.urls(__name__)
@pytest.mark.django_db(transaction=True)
def test_crawler_reports_a_leaky_admin(tenant_a, tenant_b, owner_a, client_for):
    foreign = make_rows(leaky_site, tenant_b)

    # Row-level security would hide B's rows from the leaky admin too; the
    # crawler must catch the application's own mistake, so the database's
    # backstop is lifted for this crawl (the owner's connection; SQLite has none).
    with as_owner():
        report = crawl(leaky_site, client_for(tenant_a, owner_a), foreign, urlconf=__name__)

    leaks = "\n".join(report.problems)
    assert "tenants.Invitation: change page" in leaks
    assert "tenants.Invitation: changelist" in leaks
    assert "tenants.Invitation: export" in leaks
    assert "tenants.Membership: history page" in leaks
    assert "tenants.Membership: autocomplete via tenants.RoleGrant.membership" in leaks
    # The well-behaved parts of the leaky site are not reported.
    assert "tenants.Membership: changelist" not in leaks
    assert [p for p in report.problems if p.startswith("tenants.RoleGrant")] == []


def test_real_site_is_not_the_default_admin_site():
    # Nothing of ours may live on django.contrib.admin.site, which has no tenant checks.
    assert not any(
        model._meta.app_label in {"tenants", "opsplatform"} for model in django_admin.site._registry
    )
