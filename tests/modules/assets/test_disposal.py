"""Revaluation and disposal (services/depreciation.py): the months up to the day
are posted first, then the entry; the gain or loss is against that book value."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest
from freezegun import freeze_time

from modules.assets.models import AssetEvent, AssetStatus, DepreciationEntry
from modules.assets.selectors.depreciation import book_value
from modules.assets.services.depreciation import dispose, post_month, revalue
from opsplatform.refusals import Refused
from opsplatform.tenancy import tenant_context
from tests.modules.assets.factories import AssetFactory, AssignmentFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


@pytest.fixture
def frozen():
    with freeze_time("2025-04-20 09:00"):
        yield


@pytest.fixture
def acme(tenant_a):
    with tenant_context(tenant_a):
        yield tenant_a


def entries(asset):
    return list(
        DepreciationEntry.objects.filter(asset=asset)
        .order_by("period", "pk")
        .values_list("kind", "period", "amount", "book_value")
    )


# The laptop of test_posting: 1,800 over 36 months from 10 January 2025; after
# April (35.48 + 3 x 50.00 posted) it is worth 1,614.52.
AFTER_APRIL = D("1614.52")


@pytest.mark.parametrize(("proceeds", "gain"), [("1500.00", "-114.52"), ("1700.00", "85.48")])
def test_a_sale_catches_up_and_books_the_gain_or_loss(acme, owner_a, proceeds, gain):
    laptop = AssetFactory()
    post_month(date(2025, 1, 1))
    dispose(
        asset=laptop,
        kind="sold",
        on=date(2025, 4, 15),
        proceeds=D(proceeds),
        reason="Sold",
        by=owner_a,
    )
    laptop.refresh_from_db()
    assert laptop.status == AssetStatus.DISPOSED
    assert (laptop.disposed_on, laptop.disposal_kind) == (date(2025, 4, 15), "sold")
    assert laptop.disposal_proceeds == D(proceeds)
    assert laptop.disposal_gain == D(gain)
    assert entries(laptop)[-2:] == [
        ("depreciation", date(2025, 4, 1), D("-50.00"), AFTER_APRIL),
        ("disposal", date(2025, 4, 15), -AFTER_APRIL, D("0.00")),
    ]
    assert book_value(laptop) == 0
    assert AssetEvent.objects.filter(asset=laptop, action="dispose").count() == 1
    # Later runs leave a disposed asset alone.
    assert post_month(date(2025, 12, 1)).posted == 0


def test_scrapping_for_nothing_is_a_loss_of_the_whole_book_value(acme, owner_a):
    laptop = AssetFactory()
    dispose(
        asset=laptop,
        kind="scrapped",
        on=date(2025, 4, 1),
        proceeds=None,
        reason="Broken",
        by=owner_a,
    )
    laptop.refresh_from_db()
    assert laptop.disposal_gain == -AFTER_APRIL


def test_an_assigned_asset_must_be_returned_first(acme, owner_a):
    laptop = AssignmentFactory().asset
    with pytest.raises(Refused, match="return it before disposing"):
        dispose(
            asset=laptop, kind="sold", on=date(2025, 4, 1), proceeds=D("1"), reason="x", by=owner_a
        )
    laptop.refresh_from_db()
    assert laptop.status == AssetStatus.ASSIGNED and laptop.disposed_on is None
    assert entries(laptop) == []


def test_a_disposal_cannot_go_back_before_posted_months(acme, owner_a):
    laptop = AssetFactory()
    post_month(date(2025, 3, 1))
    with pytest.raises(Refused, match="entries up to"):
        dispose(
            asset=laptop, kind="sold", on=date(2025, 2, 10), proceeds=D("1"), reason="x", by=owner_a
        )
    with pytest.raises(Refused, match="future"):
        dispose(
            asset=laptop, kind="sold", on=date(2025, 5, 1), proceeds=D("1"), reason="x", by=owner_a
        )
    assert len(entries(laptop)) == 3


def test_a_revaluation_restarts_the_schedule_over_the_months_left(acme, owner_a):
    laptop = AssetFactory()
    post_month(date(2025, 2, 1))
    revalue(asset=laptop, new_value=D("2000.00"), on=date(2025, 3, 10), reason="Valuer", by=owner_a)
    # March is posted first (1,664.52), then the revaluation to 2,000: +335.48.
    assert entries(laptop)[-2:] == [
        ("depreciation", date(2025, 3, 1), D("-50.00"), D("1664.52")),
        ("revaluation", date(2025, 3, 10), D("335.48"), D("2000.00")),
    ]
    post_month(date(2025, 4, 1))
    # The life ran January 2025 to January 2028 (37 months); from April 34 are
    # left: 2,000 / 34 = 58.8235 -> 58.82.
    assert entries(laptop)[-1] == ("depreciation", date(2025, 4, 1), D("-58.82"), D("1941.18"))
    assert post_month(date(2025, 4, 1)).posted == 0


def test_a_disposed_asset_cannot_be_revalued(acme, owner_a):
    laptop = AssetFactory()
    dispose(
        asset=laptop, kind="scrapped", on=date(2025, 4, 1), proceeds=D("0"), reason="x", by=owner_a
    )
    with pytest.raises(Refused, match="cannot be revalued"):
        revalue(asset=laptop, new_value=D("10"), on=date(2025, 4, 2), reason="x", by=owner_a)
    with pytest.raises(Refused, match="already disposed"):
        dispose(
            asset=laptop, kind="sold", on=date(2025, 4, 2), proceeds=D("1"), reason="x", by=owner_a
        )


def test_a_revaluation_needs_a_reason(acme, owner_a):
    laptop = AssetFactory()
    with pytest.raises(Refused, match="Say why"):
        revalue(asset=laptop, new_value=D("10"), on=date(2025, 4, 2), reason=" ", by=owner_a)
    assert entries(laptop) == []
