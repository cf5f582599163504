"""Moving the register and assignments in from a spreadsheet: every bad row is
reported by line and column and nothing is written; a good file writes every
row, with the category's next tags where the file has none."""

from __future__ import annotations

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from modules.assets.importing import import_assets_file
from modules.assets.models import Asset, AssetEvent, AssetStatus, Assignment
from opsplatform.tenancy import tenant_context
from tenants.roles import RoleCode
from tests.modules.assets.factories import (
    AssetCategoryFactory,
    AssetFactory,
    CategoryFieldFactory,
    SupplierFactory,
)
from tests.modules.employees.factories import DepartmentFactory, EmployeeFactory
from tests.modules.employees.helpers import csv_bytes

URLCONF = "opsplatform.urls.tenant"
IMPORT_URL = reverse("admin:assets_import", urlconf=URLCONF)


@pytest.fixture
def acme(tenant_a):
    with tenant_context(tenant_a):
        yield tenant_a


@pytest.fixture
def setup(acme):
    laptops = AssetCategoryFactory(name="Laptops", tag_prefix="LAP")
    CategoryFieldFactory(category=laptops, key="ram_gb", label="RAM (GB)")
    return {
        "laptops": laptops,
        "chairs": AssetCategoryFactory(name="Chairs", tag_prefix="CHR"),
        "dell": SupplierFactory(name="Dell"),
    }


def run(kind: str, content: bytes, **kwargs):
    return import_assets_file(kind, io.BytesIO(content), "file.csv", **kwargs)


def errors_of(report) -> list[tuple[int, str]]:
    return [(e.line, e.column) for e in report.errors]


def asset_row(**cells) -> dict:
    base = {
        "tag": "",
        "name": "ThinkPad",
        "serial_number": "",
        "category": "Laptops",
        "supplier": "",
        "purchase_date": "2025-03-01",
        "purchase_cost": "1500",
        "salvage_value": "",
        "warranty_end": "",
        "location": "",
        "custom_ram_gb": "",
    }
    return {**base, **cells}


def test_every_bad_row_is_reported_and_nothing_is_imported(setup):
    AssetFactory(tag="LAP-00007", category=setup["laptops"])
    content = csv_bytes(
        [
            asset_row(tag="LAP-00100"),  # line 2: good
            asset_row(category="Boats"),  # 3: unknown category
            asset_row(tag="lap-00100"),  # 4: twice in the file (any case)
            asset_row(tag="LAP-00007"),  # 5: already in the register
            asset_row(purchase_date="31/31/2025"),  # 6: not a date
            asset_row(purchase_cost="-10"),  # 7: negative
            asset_row(supplier="Nobody", salvage_value="2000"),  # 8: two problems
        ]
    )
    report = run("register", content)
    assert not report.ok and report.error_rows == 6
    assert errors_of(report) == [
        (3, "category"),
        (4, "tag"),
        (5, "tag"),
        (6, "purchase_date"),
        (7, "purchase_cost"),
        (8, "supplier"),
        (8, "salvage_value"),
    ]
    messages = " ".join(e.message for e in report.errors)
    assert "No asset category “Boats”." in messages
    assert "line 2 too" in messages
    assert "cannot be negative" in messages
    assert Asset.objects.count() == 1  # only the one that was there


def test_a_good_file_imports_every_row_with_generated_tags(setup):
    AssetFactory(tag="LAP-00001", category=setup["laptops"])
    content = csv_bytes(
        [
            asset_row(name="A", supplier="dell", custom_ram_gb="16"),
            asset_row(name="B", tag="LAP-00002"),  # the file's own tag is never generated
            asset_row(name="C"),
            asset_row(name="Chair", category="chairs", purchase_cost="120,50"),
        ]
    )
    preview = run("register", content, dry_run=True)
    assert preview.ok and preview.to_create == 4
    assert Asset.objects.count() == 1
    report = run("register", content)
    assert report.applied and report.created == 4
    tags = dict(Asset.objects.values_list("name", "tag"))
    assert tags["B"] == "LAP-00002"
    assert tags["A"] == "LAP-00003" and tags["C"] == "LAP-00004"
    assert tags["Chair"] == "CHR-00001"
    a = Asset.objects.get(name="A")
    assert a.supplier == setup["dell"] and a.custom_values == {"ram_gb": "16"}
    assert a.status == AssetStatus.IN_STOCK
    assert a.history.count() == 1  # a creation row each


def test_the_writes_do_not_cost_a_query_per_row(setup):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(count: int, start: int) -> int:
        rows = [asset_row(name=f"Laptop {start + n}") for n in range(count)]
        with CaptureQueriesContext(connection) as captured:
            assert run("register", csv_bytes(rows)).created == count
        return len(captured)

    queries(1, 200)  # the first import of a prefix makes its tag counter
    assert queries(60, 0) == queries(5, 100)


def handout(**cells) -> dict:
    base = {
        "asset_tag": "LAP-1",
        "employee_number": "",
        "department": "",
        "assigned_on": "2026-01-05",
        "expected_return": "",
        "condition": "Good",
    }
    return {**base, **cells}


def test_assignments_import_hands_out_and_records_the_move(setup):
    one = AssetFactory(tag="LAP-1", category=setup["laptops"])
    two = AssetFactory(tag="LAP-2", category=setup["laptops"])
    person = EmployeeFactory(employee_number="E-10")
    sales = DepartmentFactory(name="Sales")
    content = csv_bytes(
        [handout(employee_number="e-10"), handout(asset_tag="lap-2", department="sales")]
    )
    report = run("assignments", content)
    assert report.applied and report.created == 2, report.errors
    one.refresh_from_db()
    two.refresh_from_db()
    assert one.status == two.status == AssetStatus.ASSIGNED
    assert Assignment.objects.get(asset=one).employee == person
    assert Assignment.objects.get(asset=two).department == sales
    assert AssetEvent.objects.filter(action="assign").count() == 2


def test_bad_assignment_rows_are_all_reported(setup):
    AssetFactory(tag="LAP-1", category=setup["laptops"])
    AssetFactory(tag="LAP-3", category=setup["laptops"], status=AssetStatus.RETIRED)
    EmployeeFactory(employee_number="E-10")
    content = csv_bytes(
        [
            handout(employee_number="E-10"),  # 2: good
            handout(employee_number="E-10"),  # 3: LAP-1 twice
            handout(asset_tag="NOPE", employee_number="E-10"),  # 4: no such asset
            handout(asset_tag="LAP-3", employee_number="E-10"),  # 5: not in stock
            handout(asset_tag="LAP-1", employee_number="X", assigned_on="soon"),  # 6: two
        ]
    )
    report = run("assignments", content)
    assert errors_of(report) == [
        (3, "asset_tag"),
        (4, "asset_tag"),
        (5, "asset_tag"),
        (6, "asset_tag"),
        (6, "employee_number"),
        (6, "assigned_on"),
    ]
    assert not Assignment.objects.exists()


@pytest.fixture
def finance_client(tenant_a, make_member, client_for):
    user = make_member(tenant_a, "fiona@acme.test", roles=[RoleCode.FINANCE])
    return client_for(tenant_a, user)


def token_of(response) -> str:
    match = re.search(r'name="token" value="([^"]+)"', response.content.decode())
    assert match, response.content.decode()[:2000]
    return match.group(1)


def test_the_page_previews_then_imports(setup, finance_client):
    content = csv_bytes([asset_row(name="A"), asset_row(name="B")])
    preview = finance_client.post(
        IMPORT_URL,
        {"kind": "register", "file": SimpleUploadedFile("assets.csv", content, "text/csv")},
    )
    assert preview.status_code == 200
    assert Asset.objects.count() == 0
    done = finance_client.post(
        IMPORT_URL, {"action": "confirm", "token": token_of(preview)}, follow=True
    )
    assert "Imported 2 rows" in done.content.decode()
    assert Asset.objects.count() == 2


def test_an_employee_cannot_import(tenant_a, make_member, client_for):
    user = make_member(tenant_a, "erin@acme.test", roles=[RoleCode.EMPLOYEE])
    client = client_for(tenant_a, user)
    assert client.get(IMPORT_URL).status_code == 403


def test_the_register_exports_with_names(setup, finance_client):
    AssetFactory(tag="LAP-1", category=setup["laptops"], supplier=setup["dell"])
    url = reverse("admin:assets_asset_export", urlconf=URLCONF)
    page = finance_client.get(url)
    assert page.status_code == 200
    from modules.assets.resources import AssetResource

    dataset = AssetResource().export()
    assert dataset.dict[0]["category"] == "Laptops"
    assert dataset.dict[0]["supplier"] == "Dell"
