"""Posting depreciation (services/depreciation.py): the months due, once, with the
book value after each, against figures worked out by hand."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from freezegun import freeze_time

from modules.assets.models import DepreciationEntry
from modules.assets.selectors.depreciation import book_value, full_schedule
from modules.assets.services.depreciation import post_month
from modules.assets.tasks import post_depreciation
from opsplatform.models import SweepRun
from opsplatform.tenancy import tenant_context
from tests.modules.assets.factories import AssetCategoryFactory, AssetFactory, MeterReadingFactory

pytestmark = pytest.mark.django_db


def posted(asset):
    return list(
        DepreciationEntry.objects.filter(asset=asset, kind="depreciation")
        .order_by("period")
        .values_list("period", "amount", "book_value")
    )


# A laptop: 1,800 over 36 months is 50.00 a month, from 10 January 2025.
# January: in service 31 - 10 + 1 = 22 of 31 days: 50 x 22 / 31 = 35.48.
JAN = (date(2025, 1, 1), D("-35.48"), D("1764.52"))
FEB = (date(2025, 2, 1), D("-50.00"), D("1714.52"))
MAR = (date(2025, 3, 1), D("-50.00"), D("1664.52"))


def test_the_task_posts_the_months_up_to_the_last_complete_one_once(tenant_a):
    with tenant_context(tenant_a):
        laptop = AssetFactory()
    with freeze_time("2025-04-05 08:00"):  # never run before: January to March are due
        post_depreciation()
        post_depreciation()  # the next tick finds March's run done
    with tenant_context(tenant_a):
        assert posted(laptop) == [JAN, FEB, MAR]
        assert book_value(laptop) == D("1664.52")
        assert book_value(laptop, date(2025, 2, 15)) == D("1714.52")
        assert SweepRun.objects.filter(name="Assets: depreciation").count() == 1


def test_running_a_month_twice_posts_nothing_the_second_time(tenant_a):
    with tenant_context(tenant_a):
        laptop = AssetFactory()
        first = post_month(date(2025, 2, 1))
        second = post_month(date(2025, 2, 1))
        assert (first.posted, first.assets) == (2, 1)
        assert (second.posted, second.assets) == (0, 0)
        assert posted(laptop) == [JAN, FEB]


def test_missed_months_are_caught_up_in_order(tenant_a):
    with tenant_context(tenant_a):
        laptop = AssetFactory()
        post_month(date(2025, 1, 1))
        report = post_month(date(2025, 3, 31))
        assert report.posted == 2
        assert posted(laptop) == [JAN, FEB, MAR]


def test_a_category_that_does_not_depreciate_is_skipped(tenant_a):
    with tenant_context(tenant_a):
        land = AssetFactory(category=AssetCategoryFactory(depreciable=False))
        report = post_month(date(2025, 6, 1))
        assert report.posted == 0
        assert posted(land) == []
        assert book_value(land) == D("1800.00")


def test_nothing_before_the_in_service_month(tenant_a):
    with tenant_context(tenant_a):
        AssetFactory(in_service_date=date(2025, 5, 1))
        assert post_month(date(2025, 4, 1)).posted == 0
        assert post_month(date(2025, 5, 1)).posted == 1


def test_declining_balance_with_the_asset_s_own_rate(tenant_a):
    with tenant_context(tenant_a):
        van = AssetFactory(
            purchase_date=date(2025, 1, 1),
            purchase_cost=D("10000.00"),
            depreciation_method="declining_balance",
            declining_rate=D("40"),
            useful_life_months=60,
        )
        post_month(date(2025, 2, 1))
        # 10,000 x 40% / 12 = 333.33; then 9,666.67 x 40% / 12 = 322.2223 -> 322.22
        assert posted(van) == [
            (date(2025, 1, 1), D("-333.33"), D("9666.67")),
            (date(2025, 2, 1), D("-322.22"), D("9344.45")),
        ]


def test_units_of_production_from_meter_readings(tenant_a):
    with tenant_context(tenant_a):
        press = AssetFactory(
            purchase_date=date(2025, 1, 1),
            purchase_cost=D("10000.00"),
            salvage_value=D("1000.00"),
            depreciation_method="units_of_production",
            total_units=D("1000"),
        )
        for day, reading in ((date(2025, 1, 2), "0"), (date(2025, 1, 31), "100")):
            MeterReadingFactory(asset=press, read_on=day, reading=D(reading))
        MeterReadingFactory(asset=press, read_on=date(2025, 3, 3), reading=D("350"))
        post_month(date(2025, 3, 1))
        # 9,000 x 100 / 1,000 = 900; February ran nothing; March 9,000 x 250 / 1,000
        assert posted(press) == [
            (date(2025, 1, 1), D("-900.00"), D("9100.00")),
            (date(2025, 3, 1), D("-2250.00"), D("6850.00")),
        ]


def test_the_run_costs_the_same_queries_for_one_asset_or_many(tenant_a):
    with tenant_context(tenant_a):
        category = AssetCategoryFactory()
        AssetFactory(category=category)
        with CaptureQueriesContext(connection) as one:
            post_month(date(2025, 2, 1))
        for _ in range(15):
            AssetFactory(category=category)
        with CaptureQueriesContext(connection) as many:
            post_month(date(2025, 3, 1))
        assert len(many) == len(one)
        assert DepreciationEntry.objects.count() == 2 + 16 * 3 - 2  # 16 caught up to March


def test_the_schedule_shows_posted_months_then_the_projected_rest(tenant_a):
    with tenant_context(tenant_a):
        laptop = AssetFactory()
        post_month(date(2025, 2, 1))
        lines = full_schedule(laptop)
        assert [(line.period, line.posted) for line in lines[:3]] == [
            (date(2025, 1, 1), True),
            (date(2025, 2, 1), True),
            (date(2025, 3, 1), False),
        ]
        # 36 months and the partial first one; the last takes the rest, down to 0.
        assert len(lines) == 37
        assert lines[-1].book_value == D("0.00")
        assert sum(line.amount for line in lines) == D("-1800.00")
