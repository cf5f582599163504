"""The asset reports and the depreciation screens: figures by hand, the file the
accountant gets, who may see them, and the asset page's actions."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal as D

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from modules.assets.models import AssetStatus, DepreciationEntry
from modules.assets.selectors.depreciation import (
    depreciation_report,
    register_valued_at,
    valuation,
)
from modules.assets.services.depreciation import post_month
from opsplatform.tenancy import tenant_context
from tenants.roles import RoleCode
from tests.modules.assets.factories import AssetCategoryFactory, AssetFactory, AssignmentFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


@pytest.fixture
def frozen():
    with freeze_time("2025-06-20 09:00"):
        yield


@pytest.fixture
def books(tenant_a):
    """A laptop (1,800 over 36 months from 10 January: 35.48, then 50.00 a month)
    and a desk (1,200 over 12 months from 1 March: 100.00 a month), posted to May."""
    with tenant_context(tenant_a):
        category = AssetCategoryFactory(name="IT")
        laptop = AssetFactory(tag="LAP-1", name="Laptop", category=category)
        desk = AssetFactory(
            tag="DSK-1",
            name="Desk",
            category=category,
            purchase_date=date(2025, 3, 1),
            purchase_cost=D("1200.00"),
            useful_life_months=12,
        )
        post_month(date(2025, 5, 1))
    return laptop, desk


@pytest.fixture
def finance(tenant_a, make_member):
    return make_member(tenant_a, "fin@acme.test", roles=[RoleCode.FINANCE])


def test_the_register_valued_at_a_date_in_one_query(tenant_a, books):
    with tenant_context(tenant_a):
        with CaptureQueriesContext(connection) as queries:
            rows = list(register_valued_at(date(2025, 4, 30)))
        assert len(queries) == 1
        assert len(rows) == 2
        rows, totals = valuation(date(2025, 4, 30))
    # Laptop: 35.48 + 3 x 50 = 185.48 to April; desk: March and April, 200.
    assert [(r.tag, r.cost, r.accumulated, r.book_value) for r in rows] == [
        ("DSK-1", D("1200.00"), D("200.00"), D("1000.00")),
        ("LAP-1", D("1800.00"), D("185.48"), D("1614.52")),
    ]
    assert totals == {
        "cost": D("3000.00"),
        "accumulated": D("385.48"),
        "book_value": D("2614.52"),
    }


def test_before_its_purchase_an_asset_is_not_in_the_register(tenant_a, books):
    with tenant_context(tenant_a):
        rows, _totals = valuation(date(2025, 2, 28))
    assert [r.tag for r in rows] == ["LAP-1"]


def test_the_depreciation_report_adds_up(tenant_a, books):
    with tenant_context(tenant_a):
        with CaptureQueriesContext(connection) as queries:
            rows, totals = depreciation_report(date(2025, 2, 1), date(2025, 4, 30))
    assert len(queries) == 1
    figures = {
        r.tag: (r.opening, r.additions, r.depreciation, r.revaluations, r.disposals, r.closing)
        for r in rows
    }
    assert figures == {
        # Bought in the range: no opening value, its cost an addition.
        "DSK-1": (D("0"), D("1200.00"), D("-200.00"), D("0"), D("0"), D("1000.00")),
        "LAP-1": (D("1764.52"), D("0"), D("-150.00"), D("0"), D("0"), D("1614.52")),
    }
    assert totals["closing"] == D("2614.52")
    assert totals["depreciation"] == D("-350.00")


def test_finance_downloads_the_depreciation_report_as_csv(tenant_a, books, finance, client_for):
    url = reverse("admin:assets_reports_depreciation")
    response = client_for(tenant_a, finance).get(
        url, {"start": "2025-02-01", "end": "2025-04-30", "format": "csv"}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "depreciation-2025-02-01-2025-04-30.csv" in response["Content-Disposition"]
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert lines[0][:4] == ["Asset tag", "Name", "Category", "Opening book value"]
    assert lines[1] == ["DSK-1", "Desk", "IT", "0", "1200.00", "-200.00", "0", "0", "1000.00"]
    assert lines[2][0] == "LAP-1" and lines[2][-1] == "1614.52"
    assert lines[3][0] == "Total" and lines[3][-1] == "2614.52"


def test_finance_sees_and_downloads_the_valuation(tenant_a, books, finance, client_for):
    client = client_for(tenant_a, finance)
    url = reverse("admin:assets_reports_valuation")
    page = client.get(url, {"on": "2025-04-30"})
    assert page.status_code == 200
    assert "LAP-1 Laptop" in page.content.decode()
    assert "2,614.52" in page.content.decode()
    xlsx = client.get(url, {"on": "2025-04-30", "format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    assert [c.value for c in sheet[1]][:2] == ["Asset tag", "Name"]
    assert sheet.cell(row=4, column=1).value == "Total"


def test_a_bad_range_is_explained(tenant_a, finance, client_for):
    url = reverse("admin:assets_reports_depreciation")
    page = client_for(tenant_a, finance).get(url, {"start": "2025-05-01", "end": "2025-04-01"})
    assert page.status_code == 200
    assert "The range ends before it starts." in page.content.decode()


def test_without_view_asset_reports_the_reports_are_403(tenant_a, make_member, client_for):
    hr = make_member(tenant_a, "hr@acme.test", roles=[RoleCode.HR])  # sees the register only
    client = client_for(tenant_a, hr)
    for name in ("admin:assets_reports_depreciation", "admin:assets_reports_valuation"):
        assert client.get(reverse(name)).status_code == 403
        assert client.get(reverse(name), {"on": "2025-01-01", "format": "csv"}).status_code == 403


def test_the_asset_page_shows_the_schedule_and_its_actions(tenant_a, books, finance, client_for):
    laptop, _desk = books
    page = client_for(tenant_a, finance).get(reverse("admin:assets_asset_change", args=[laptop.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert 'data-testid="depreciation-schedule"' in text
    assert "Projected" in text and "Posted" in text
    assert reverse("admin:assets_asset_dispose_asset", args=[laptop.pk]) in text


def test_finance_disposes_from_the_asset_page(tenant_a, books, finance, client_for):
    laptop, _desk = books
    url = reverse("admin:assets_asset_dispose_asset", args=[laptop.pk])
    client = client_for(tenant_a, finance)
    assert client.get(url).status_code == 200  # the form; nothing written
    with tenant_context(tenant_a):
        assert not DepreciationEntry.objects.filter(kind="disposal").exists()
    data = {"kind": "sold", "on": "2025-06-10", "proceeds": "1500", "reason": "Sold to staff"}
    response = client.post(url, data)
    assert response.status_code == 302
    with tenant_context(tenant_a):
        laptop.refresh_from_db()
        # June posted first: 1,614.52 - 2 x 50 = 1,514.52; sold for 1,500: a loss of 14.52.
        assert laptop.status == AssetStatus.DISPOSED
        assert laptop.disposal_gain == D("-14.52")


def test_an_assigned_asset_is_refused_on_the_page_and_nothing_changes(
    tenant_a, finance, client_for
):
    with tenant_context(tenant_a):
        laptop = AssignmentFactory().asset
    url = reverse("admin:assets_asset_dispose_asset", args=[laptop.pk])
    data = {"kind": "scrapped", "on": "2025-06-10", "reason": "Broken"}
    response = client_for(tenant_a, finance).post(url, data)
    assert response.status_code == 200
    assert "return it before disposing of it" in response.content.decode()
    with tenant_context(tenant_a):
        laptop.refresh_from_db()
        assert laptop.status == AssetStatus.ASSIGNED
        assert not DepreciationEntry.objects.filter(asset=laptop).exists()


def test_finance_revalues_from_the_asset_page(tenant_a, books, finance, client_for):
    laptop, _desk = books
    url = reverse("admin:assets_asset_revalue_asset", args=[laptop.pk])
    data = {"new_value": "2000", "on": "2025-06-01", "reason": "Valuer's report"}
    assert client_for(tenant_a, finance).post(url, data).status_code == 302
    with tenant_context(tenant_a):
        entry = DepreciationEntry.objects.filter(asset=laptop).order_by("-pk").first()
        assert (entry.kind, entry.book_value) == ("revaluation", D("2000.00"))


def test_hr_may_not_revalue_or_dispose(tenant_a, books, make_member, client_for):
    laptop, _desk = books
    hr = make_member(tenant_a, "hr@acme.test", roles=[RoleCode.HR])
    client = client_for(tenant_a, hr)
    for name in ("admin:assets_asset_revalue_asset", "admin:assets_asset_dispose_asset"):
        url = reverse(name, args=[laptop.pk])
        assert client.get(url).status_code == 403
        assert (
            client.post(url, {"new_value": "1", "on": "2025-06-01", "reason": "x"}).status_code
            == 403
        )


def test_the_asset_page_costs_the_same_queries_however_long_its_history(
    tenant_a, finance, client_for
):
    client = client_for(tenant_a, finance)
    with tenant_context(tenant_a):
        young, old = AssetFactory(purchase_date=date(2025, 5, 1)), AssetFactory()
        post_month(date(2025, 5, 1))
        for _ in range(3):
            AssignmentFactory(asset=old, returned_at=timezone.now())

    def queries(asset):
        url = reverse("admin:assets_asset_change", args=[asset.pk])
        client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx)

    assert queries(old) == queries(young)
