"""The demo company's assets (`make demo`): about 150 assets over five categories,
depreciation posted month by month to last month whose figures explain the book
values, people holding laptops and phones, one asset in repair, one sold at a
loss, and an approved request waiting for fulfilment. Seeding twice changes nothing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count, Sum
from django.utils import timezone

from modules.assets import depreciation as schedules
from modules.assets.models import (
    Asset,
    AssetCategory,
    AssetEvent,
    AssetRequest,
    AssetStatus,
    Assignment,
    DepreciationEntry,
    WorkOrder,
)
from opsplatform.tenancy import tenant_context
from tenants.models import Tenant

pytestmark = pytest.mark.django_db


def counts() -> dict:
    found = {}
    for tenant in Tenant.objects.order_by("slug"):
        with tenant_context(tenant):
            for model in (Asset, Assignment, DepreciationEntry, AssetEvent, WorkOrder):
                found[(tenant.slug, model.__name__)] = model.objects.count()
    return found


def test_the_demo_register(subtests):
    """Seeding is the slow part: one seeding, every fact checked on it."""
    call_command("seed_demo", stdout=StringIO())
    first = counts()
    call_command("seed_demo", stdout=StringIO())
    seeded = {"first": first, "second": counts()}
    for check in (
        register_and_reseeding,
        ledger_explains_book_values,
        sold_at_a_loss,
        request_waits,
    ):
        with subtests.test(check.__name__):
            check(seeded)


def register_and_reseeding(seeded):
    assert seeded["first"] == seeded["second"]
    acme = Tenant.objects.get(slug="acme")
    with tenant_context(acme):
        assert 140 <= Asset.objects.count() <= 160
        per_category = dict(
            AssetCategory.objects.annotate(n=Count("assets")).values_list("name", "n")
        )
        assert len(per_category) == 5 and all(n > 0 for n in per_category.values())
        statuses = dict(Asset.objects.values_list("status").annotate(n=Count("pk")))
        assert statuses[AssetStatus.IN_REPAIR] == 1
        assert statuses[AssetStatus.DISPOSED] == 1
        assert (
            statuses[AssetStatus.ASSIGNED]
            == Assignment.objects.filter(returned_at__isnull=True).count()
        )
        # Two hand-outs are past their expected return (the "overdue returns" card).
        overdue = Assignment.objects.filter(
            returned_at__isnull=True, expected_return__lt=timezone.localdate()
        )
        assert overdue.count() == 2
        assert WorkOrder.objects.get(status=WorkOrder.Status.IN_PROGRESS).asset.status == (
            AssetStatus.IN_REPAIR
        )
    # Globex's plan has no assets: it has none.
    assert seeded["first"][("globex", "Asset")] == 0


def ledger_explains_book_values(seeded):
    with tenant_context(Tenant.objects.get(slug="acme")):
        last_month = schedules.month_start(schedules.add_months(timezone.localdate(), -1))
        periods = DepreciationEntry.objects.filter(kind="depreciation").values_list(
            "period", flat=True
        )
        assert max(periods) == last_month
        # The oldest assets have two years and more of months posted.
        assert min(periods) <= date(last_month.year - 2, last_month.month, 1)
        for asset in Asset.objects.exclude(status=AssetStatus.DISPOSED).select_related("category")[
            :40
        ]:
            entries = list(asset.entries.order_by("period"))
            if not entries:
                continue
            total = sum((e.amount for e in entries), Decimal("0"))
            assert entries[-1].book_value == asset.purchase_cost + total
            assert entries[-1].book_value >= asset.salvage_value


def sold_at_a_loss(seeded):
    with tenant_context(Tenant.objects.get(slug="acme")):
        sold = Asset.objects.get(status=AssetStatus.DISPOSED)
        disposal = sold.entries.get(kind="disposal")
        book_before = sold.purchase_cost + (
            sold.entries.filter(kind="depreciation").aggregate(s=Sum("amount"))["s"] or 0
        )
        assert disposal.amount == -book_before
        assert sold.disposal_gain == sold.disposal_proceeds - book_before < 0
        assert sold.purchase_cost + sold.entries.aggregate(s=Sum("amount"))["s"] == 0


def request_waits(seeded):
    with tenant_context(Tenant.objects.get(slug="acme")):
        waiting = AssetRequest.objects.get(awaiting_since__isnull=False, fulfilled_at__isnull=True)
        assert waiting.approval.status == "completed"
        assert waiting.asset_category == "Laptops"
