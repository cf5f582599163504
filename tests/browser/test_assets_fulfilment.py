"""Finance fulfils an approved asset request in Chromium by handing out a laptop in
stock; the requester then finds it under My assets (issue 14)."""

# The fixtures ``chain`` and ``finance`` are imported, and named as parameters below.
# ruff: noqa: F811

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from modules.assets.models import AssetStatus, Assignment
from opsplatform.tenancy import tenant_context
from tests.conftest import PASSWORD
from tests.modules.approvals.conftest import chain  # noqa: F401  (fixture)
from tests.modules.assets.factories import AssetCategoryFactory, AssetFactory
from tests.modules.assets.test_fulfilment import approved_request, finance  # noqa: F401

URLCONF = "opsplatform.urls.tenant"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_finance_hands_out_a_laptop_and_the_requester_sees_it(chain, finance, page, log_in, url_on):
    tenant = chain.tenant
    with tenant_context(tenant):
        laptops = AssetCategoryFactory(name="Laptops", tag_prefix="LAP")
        laptop = AssetFactory(category=laptops, tag="LAP-00042", name="ThinkPad X1")
        approval = approved_request(chain, finance)
        reference = approval.reference

    log_in(tenant, finance.email, PASSWORD)
    page.get_by_role("link", name="Fulfilment queue").first.click()
    row = page.locator(f'[data-testid="fulfilment-queue"] tr[data-request="{reference}"]')
    expect(row).to_be_visible()
    with page.expect_navigation():
        row.get_by_role("link", name="Fulfil").click()

    stock = page.get_by_test_id("fulfil-stock")
    stock.locator("select[name=stock-asset]").select_option(str(laptop.pk))
    stock.locator("[name=stock-condition]").fill("New, in its box")
    with page.expect_navigation():
        stock.get_by_role("button", name="Fulfil with this asset").click()
    expect(page.get_by_text("LAP-00042").first).to_be_visible()

    page.goto(url_on(tenant, reverse("admin:assets_fulfilment_queue", urlconf=URLCONF)))
    expect(page.get_by_test_id("fulfilment-queue-empty")).to_be_visible()

    with tenant_context(tenant):
        laptop.refresh_from_db()
        assert laptop.status == AssetStatus.ASSIGNED
        held = Assignment.objects.get(asset=laptop, returned_at__isnull=True)
        assert held.request_id == approval.pk

    page.context.clear_cookies()
    log_in(tenant, chain.requester.email, PASSWORD)
    page.get_by_role("link", name="My assets").first.click()
    mine = page.get_by_test_id("my-assets-held")
    expect(mine).to_contain_text("LAP-00042 ThinkPad X1")
    expect(mine).to_contain_text("New, in its box")
