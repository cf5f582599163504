"""Work an admin page no longer repeats or does for nothing (docs/benchmarks.md,
"The employee page, profiled"): the inline's "Add another" row is built once,
and the list of every registered model only for a page that shows it."""

from __future__ import annotations

import pytest
from django.contrib.admin.sites import AdminSite
from django.forms.formsets import BaseFormSet

from opsplatform.tenancy import tenant_context
from tenants.roles import RoleCode
from tests.modules.employees.factories import EmployeeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def counted(monkeypatch):
    calls = {"empty_form": 0, "app_list": 0}
    empty_form = BaseFormSet.empty_form.fget
    build_app_dict = AdminSite._build_app_dict

    def counting_empty_form(formset):
        calls["empty_form"] += 1
        return empty_form(formset)

    def counting_build_app_dict(site, request, label=None):
        calls["app_list"] += 1
        return build_app_dict(site, request, label)

    monkeypatch.setattr(BaseFormSet, "empty_form", property(counting_empty_form))
    monkeypatch.setattr(AdminSite, "_build_app_dict", counting_build_app_dict)
    return calls


def test_a_change_page_builds_its_inlines_empty_form_once_and_no_app_list(
    tenant_a, make_member, client_for, counted
):
    hr = make_member(tenant_a, "hr@acme.test", roles=[RoleCode.HR])
    with tenant_context(tenant_a):
        person = EmployeeFactory()
    response = client_for(tenant_a, hr).get(f"/admin/employees/employee/{person.pk}/change/")
    assert response.status_code == 200
    assert 'name="documents-__prefix__-kind"' in response.content.decode()
    # Once per inline on the page (documents, and the dated cost rates HR may see).
    inlines = len(response.context["inline_admin_formsets"])
    assert inlines >= 2
    assert counted == {"empty_form": inlines, "app_list": 0}


def test_an_app_index_still_lists_its_models(tenant_a, make_member, client_for, counted):
    hr = make_member(tenant_a, "hr@acme.test", roles=[RoleCode.HR])
    response = client_for(tenant_a, hr).get("/admin/employees/")
    assert response.status_code == 200
    assert "/admin/employees/employee/" in response.content.decode()
    assert counted["app_list"] >= 1
