"""The assets cards on the dashboard: the register's figures for those who see it,
nothing for a plain employee, the same few queries however large the register."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from freezegun import freeze_time

from modules.assets.dashboard import asset_cards
from modules.assets.models import AssetStatus, WorkOrder
from opsplatform.tenancy import tenant_context
from tenants.roles import RoleCode
from tests.modules.assets.factories import (
    AssetFactory,
    AssignmentFactory,
    DepreciationEntryFactory,
    WorkOrderFactory,
)

pytestmark = pytest.mark.django_db
TODAY = "2026-07-15 12:00:00"


def cards_of(tenant, user) -> dict:
    request = RequestFactory().get("/admin/")
    request.user, request.tenant = user, tenant
    with tenant_context(tenant):
        return {str(card["title"]): card["value"] for card in asset_cards(request)}


@pytest.fixture
def register(tenant_a):
    with tenant_context(tenant_a):
        laptop = AssetFactory(purchase_cost=Decimal("1800.00"))
        DepreciationEntryFactory(asset=laptop, period=date(2026, 1, 1), amount=Decimal("-50.00"))
        DepreciationEntryFactory(asset=laptop, period=date(2026, 2, 1), amount=Decimal("-50.00"))
        AssetFactory(purchase_cost=Decimal("700.50"), status=AssetStatus.IN_REPAIR)
        AssetFactory(purchase_cost=Decimal("999.00"), status=AssetStatus.DISPOSED)
        AssignmentFactory(asset__purchase_cost=Decimal("1000.00"), expected_return=date(2026, 7, 1))
        AssignmentFactory(asset__purchase_cost=Decimal("0.00"), expected_return=date(2026, 9, 1))
        WorkOrderFactory(asset=laptop, due_on=date(2026, 7, 22))  # in 7 days
        WorkOrderFactory(asset=laptop, due_on=date(2026, 7, 1))  # overdue
        WorkOrderFactory(asset=laptop, due_on=date(2026, 7, 23))  # later
        WorkOrderFactory(asset=laptop, due_on=date(2026, 7, 1), status=WorkOrder.Status.DONE)
    return tenant_a


@freeze_time(TODAY)
def test_finance_sees_the_registers_figures(register, make_member):
    finance = make_member(register, "fin@acme.test", roles=[RoleCode.FINANCE])
    assert cards_of(register, finance) == {
        "Assets by status": "In stock: 1, Assigned: 2, In repair: 1, Retired: 0",
        # 1800 - 100 + 700.50 + 1000 + 0; the disposed asset is off the books.
        "Book value of the register": "3,400.50",
        "Maintenance due (7 days or overdue)": 2,
        "Overdue returns": 1,
    }


@freeze_time(TODAY)
def test_a_plain_employee_sees_no_asset_card(register, make_member):
    worker = make_member(register, "wes@acme.test")
    assert cards_of(register, worker) == {}


@freeze_time(TODAY)
def test_the_cards_cost_the_same_queries_with_a_bigger_register(register, owner_a):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            cards_of(register, owner_a)
        return len(queries)

    count()  # the person's roles, cached for the request after
    before = count()
    with tenant_context(register):
        for _ in range(3):
            asset = AssetFactory()
            DepreciationEntryFactory(asset=asset)
            AssignmentFactory(expected_return=date(2026, 7, 1))
            WorkOrderFactory(asset=asset, due_on=date(2026, 7, 1))
    assert count() == before
    assert cards_of(register, owner_a)["Overdue returns"] == 4
