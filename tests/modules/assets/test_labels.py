"""An asset's printable label: its tag, its name and a QR code (inline SVG) of the
address of its page on the company's domain; several print from the list."""

from __future__ import annotations

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from opsplatform.tenancy import tenant_context
from tenants.links import tenant_url
from tenants.roles import RoleCode
from tests.modules.assets.factories import AssetFactory

URLCONF = "opsplatform.urls.tenant"


@pytest.fixture
def finance_client(tenant_a, make_member, client_for):
    user = make_member(tenant_a, "fiona@acme.test", roles=[RoleCode.FINANCE])
    return client_for(tenant_a, user)


def test_a_label_has_the_tag_the_name_and_a_qr_code_of_the_assets_address(tenant_a, finance_client):
    with tenant_context(tenant_a):
        laptop = AssetFactory(tag="LAP-00042", name="ThinkPad T14")
        address = tenant_url(
            tenant_a, reverse("admin:assets_asset_change", args=[laptop.pk], urlconf=URLCONF)
        )
    url = reverse("admin:assets_asset_label", args=[laptop.pk], urlconf=URLCONF)
    response = finance_client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "LAP-00042" in html and "ThinkPad T14" in html
    assert "<svg" in html and "<path" in html
    assert response.context["labels"][0]["url"] == address
    assert address.startswith("http") and "acme" in address
    # Nothing is fetched from elsewhere: no external image, script or font.
    assert "src=" not in html


def test_labels_of_the_chosen_assets_print_from_the_list(tenant_a, finance_client):
    with tenant_context(tenant_a):
        one = AssetFactory(tag="LAP-1")
        two = AssetFactory(tag="LAP-2")
        AssetFactory(tag="LAP-3")
    response = finance_client.post(
        reverse("admin:assets_asset_changelist", urlconf=URLCONF),
        {"action": "print_labels", ACTION_CHECKBOX_NAME: [one.pk, two.pk]},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-tag="LAP-1"' in html and 'data-tag="LAP-2"' in html
    assert 'data-tag="LAP-3"' not in html
    assert html.count("<svg") == 2


def test_another_companys_asset_has_no_label_here(tenant_a, tenant_b, owner_b, client_for):
    with tenant_context(tenant_a):
        laptop = AssetFactory(tag="LAP-1")
    url = reverse("admin:assets_asset_label", args=[laptop.pk], urlconf=URLCONF)
    assert client_for(tenant_b, owner_b).get(url).status_code == 404


def test_an_employee_sees_no_label(tenant_a, make_member, client_for):
    user = make_member(tenant_a, "erin@acme.test", roles=[RoleCode.EMPLOYEE])
    with tenant_context(tenant_a):
        laptop = AssetFactory(tag="LAP-1")
    url = reverse("admin:assets_asset_label", args=[laptop.pk], urlconf=URLCONF)
    assert client_for(tenant_a, user).get(url).status_code == 403
