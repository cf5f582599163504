"""Maintenance: plans open their work orders on the right dates, once; a work order
takes the asset into repair and back; the work order's page runs it by POST."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from freezegun import freeze_time

from modules.assets.models import (
    AssetEvent,
    AssetStatus,
    Assignment,
    MaintenancePlan,
    MeterReading,
    WorkOrder,
)
from modules.assets.services.maintenance import (
    cancel_work_order,
    finish_work_order,
    open_due_work_orders,
    start_work_order,
)
from opsplatform.refusals import Refused
from opsplatform.tenancy import tenant_context
from tenants.roles import RoleCode
from tests.modules.assets.factories import (
    AssetCategoryFactory,
    AssetFactory,
    AssignmentFactory,
    WorkOrderFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def acme(tenant_a):
    with tenant_context(tenant_a):
        yield tenant_a


def plan(**fields) -> MaintenancePlan:
    fields.setdefault("title", "Service")
    fields.setdefault("lead_days", 0)
    if "asset" not in fields and "category" not in fields:
        fields["asset"] = AssetFactory()
    return MaintenancePlan.objects.create(**fields)


def opened(on) -> list[date]:
    return [o.plan_due_on for o in open_due_work_orders(on)]


# Month plans


def test_a_month_plan_opens_its_occurrence_lead_days_ahead(acme):
    p = plan(every_months=3, starts_on=date(2026, 1, 15), lead_days=7)
    assert opened(date(2026, 1, 7)) == []
    assert opened(date(2026, 1, 8)) == [date(2026, 1, 15)]
    order = WorkOrder.objects.get(plan=p)
    assert (order.kind, order.status, order.due_on, order.asset) == (
        WorkOrder.Kind.PREVENTIVE,
        WorkOrder.Status.OPEN,
        date(2026, 1, 15),
        p.asset,
    )
    # The next one three months on, again a week ahead.
    assert opened(date(2026, 4, 7)) == []
    assert opened(date(2026, 4, 8)) == [date(2026, 4, 15)]


def test_month_ends_are_clamped_from_the_start_date(acme):
    plan(every_months=1, starts_on=date(2027, 1, 31))
    days = []
    for month_end in (date(2027, 1, 31), date(2027, 2, 28), date(2027, 3, 31), date(2027, 4, 30)):
        days += opened(month_end)
    # Feb 28 (not a leap year), then back to the 31st, not the 28th carried on.
    assert days == [date(2027, 1, 31), date(2027, 2, 28), date(2027, 3, 31), date(2027, 4, 30)]


def test_a_leap_february_is_the_29th(acme):
    plan(every_months=1, starts_on=date(2028, 1, 31))
    assert opened(date(2028, 1, 31)) == [date(2028, 1, 31)]
    assert opened(date(2028, 2, 29)) == [date(2028, 2, 29)]


def test_a_second_run_opens_nothing_more(acme):
    plan(every_months=6, starts_on=date(2026, 3, 1))
    assert len(opened(date(2026, 3, 1))) == 1
    assert opened(date(2026, 3, 1)) == []
    assert opened(date(2026, 3, 20)) == []
    assert WorkOrder.objects.count() == 1


def test_a_long_gap_opens_one_work_order_not_a_backlog(acme):
    plan(every_months=1, starts_on=date(2026, 1, 10))
    assert opened(date(2026, 6, 15)) == [date(2026, 6, 10)]
    assert WorkOrder.objects.count() == 1


def test_inactive_plans_and_disposed_assets_open_nothing(acme):
    plan(every_months=1, starts_on=date(2026, 1, 1), active=False)
    plan(
        every_months=1, starts_on=date(2026, 1, 1), asset=AssetFactory(status=AssetStatus.DISPOSED)
    )
    assert opened(date(2026, 1, 1)) == []


def test_a_category_plan_opens_one_per_asset_of_the_category(acme):
    vans = AssetCategoryFactory(name="Vans")
    a, b = AssetFactory(category=vans), AssetFactory(category=vans)
    AssetFactory(category=vans, status=AssetStatus.DISPOSED)
    AssetFactory()  # another category
    plan(category=vans, every_months=12, starts_on=date(2026, 5, 1))
    orders = open_due_work_orders(date(2026, 5, 1))
    assert sorted(o.asset_id for o in orders) == sorted([a.pk, b.pk])
    assert open_due_work_orders(date(2026, 5, 1)) == []


def test_the_run_costs_the_same_queries_for_more_plans(acme):
    vans = AssetCategoryFactory(name="Vans")
    plan(category=vans, every_months=1, starts_on=date(2026, 1, 1))
    plan(every_units=Decimal("100"), starts_on=date(2026, 1, 1))

    def run(on) -> int:
        with CaptureQueriesContext(connection) as queries:
            open_due_work_orders(on)
        return len(queries)

    AssetFactory(category=vans)
    few = run(date(2026, 1, 1))
    for _ in range(4):
        AssetFactory(category=vans)
        plan(every_months=1, starts_on=date(2026, 1, 1))
        plan(every_units=Decimal("100"), starts_on=date(2026, 1, 1))
    assert run(date(2026, 2, 1)) <= few


# Unit plans


def read(asset, on, value):
    MeterReading.objects.create(asset=asset, read_on=on, reading=Decimal(value))


def test_a_unit_plan_opens_when_the_meter_passes_the_interval_since_the_last(acme):
    truck = AssetFactory()
    plan(asset=truck, every_units=Decimal("500"), starts_on=date(2026, 1, 1))
    read(truck, date(2025, 12, 20), "1000")  # the reading at the start
    read(truck, date(2026, 2, 1), "1300")
    assert opened(date(2026, 2, 1)) == []
    read(truck, date(2026, 3, 1), "1510")
    assert opened(date(2026, 3, 5)) == [date(2026, 3, 1)]
    # The next 500 count from the service's reading (1510), not from 1500.
    read(truck, date(2026, 4, 1), "2000")
    assert opened(date(2026, 4, 1)) == []
    read(truck, date(2026, 5, 1), "2010")
    assert opened(date(2026, 5, 1)) == [date(2026, 5, 1)]
    assert opened(date(2026, 5, 2)) == []


def test_without_a_reading_before_the_start_the_first_reading_is_the_base(acme):
    truck = AssetFactory()
    plan(asset=truck, every_units=Decimal("100"), starts_on=date(2026, 1, 1))
    read(truck, date(2026, 1, 5), "40")
    read(truck, date(2026, 1, 9), "139")
    assert opened(date(2026, 1, 9)) == []
    read(truck, date(2026, 1, 10), "140")
    assert opened(date(2026, 1, 10)) == [date(2026, 1, 10)]


# Start, finish, cancel


@pytest.fixture
def keeper(tenant_a, make_member):
    return make_member(tenant_a, "fin@acme.test", roles=[RoleCode.FINANCE])


def test_start_and_finish_take_the_asset_into_repair_and_back_with_downtime(acme, keeper):
    order = WorkOrderFactory()
    with freeze_time("2026-06-01 09:00:00"):
        start_work_order(order, by=keeper)
    order.refresh_from_db()
    assert order.status == WorkOrder.Status.IN_PROGRESS
    assert order.asset.status == AssetStatus.IN_REPAIR
    with freeze_time("2026-06-03 15:30:00"):
        finish_work_order(order, cost=Decimal("120.50"), resolution="New fan", by=keeper)
    order.refresh_from_db()
    order.asset.refresh_from_db()
    assert (order.status, order.cost, order.resolution) == (
        WorkOrder.Status.DONE,
        Decimal("120.50"),
        "New fan",
    )
    assert order.asset.status == AssetStatus.IN_STOCK
    assert order.downtime == timedelta(days=2, hours=6, minutes=30)
    assert list(
        AssetEvent.objects.filter(asset=order.asset).values_list("action", "to_status", "by")
    ) == [
        ("send_to_repair", AssetStatus.IN_REPAIR, keeper.pk),
        ("back_from_repair", AssetStatus.IN_STOCK, keeper.pk),
    ]


def test_an_assigned_asset_is_returned_first_in_the_same_step(acme, keeper):
    held = AssignmentFactory(assigned_at=datetime(2026, 5, 1, tzinfo=UTC))
    order = WorkOrderFactory(asset=held.asset)
    with freeze_time("2026-06-01 09:00:00"):
        start_work_order(order, by=keeper)
    held.refresh_from_db()
    assert held.returned_at == datetime(2026, 6, 1, 9, tzinfo=UTC)
    assert (held.condition_in, held.returned_by) == ("Sent to repair", keeper)
    assert not Assignment.objects.filter(asset=held.asset, returned_at__isnull=True).exists()
    assert list(AssetEvent.objects.filter(asset=held.asset).values_list("action", flat=True)) == [
        "return",
        "send_to_repair",
    ]


def test_refusals_change_nothing(acme, keeper):
    order = WorkOrderFactory()
    with pytest.raises(Refused, match="only one in repair can finish"):
        finish_work_order(order, cost=None, by=keeper)
    gone = WorkOrderFactory(asset=AssetFactory(status=AssetStatus.DISPOSED))
    with pytest.raises(Refused, match="disposed: it cannot go into repair"):
        start_work_order(gone, by=keeper)
    gone.refresh_from_db()
    assert gone.status == WorkOrder.Status.OPEN
    start_work_order(order, by=keeper)
    with pytest.raises(Refused, match="only an open one can start"):
        start_work_order(order, by=keeper)
    with pytest.raises(Refused, match="only an open one can be cancelled"):
        cancel_work_order(order, by=keeper)
    assert AssetEvent.objects.filter(asset=gone.asset).count() == 0


def test_cancel_an_open_work_order(acme, keeper):
    order = WorkOrderFactory()
    cancel_work_order(order, by=keeper)
    order.refresh_from_db()
    assert order.status == WorkOrder.Status.CANCELLED
    assert order.asset.status == AssetStatus.IN_STOCK


# The work order's page


def test_the_page_starts_and_finishes_by_post_only(tenant_a, keeper, client_for):
    with tenant_context(tenant_a):
        order = WorkOrderFactory()
    client = client_for(tenant_a, keeper)
    start = reverse("admin:assets_workorder_start", args=[order.pk])
    page = client.get(start)
    assert page.status_code == 200
    with tenant_context(tenant_a):
        order.refresh_from_db()
        assert order.status == WorkOrder.Status.OPEN  # GET only asks
    assert client.post(start).status_code == 302
    finish = reverse("admin:assets_workorder_finish", args=[order.pk])
    assert client.get(finish).status_code == 200
    response = client.post(finish, {"cost": "-1", "resolution": "x"})
    assert response.status_code == 200  # the form again, with the error
    response = client.post(finish, {"cost": "80", "resolution": "Cleaned"}, follow=True)
    assert "back in service" in response.content.decode()
    with tenant_context(tenant_a):
        order.refresh_from_db()
        assert (order.status, order.cost) == (WorkOrder.Status.DONE, Decimal("80.00"))
        assert order.asset.status == AssetStatus.IN_STOCK


def test_the_page_refuses_with_a_message(tenant_a, keeper, client_for):
    with tenant_context(tenant_a):
        order = WorkOrderFactory()
        gone = WorkOrderFactory(asset=AssetFactory(status=AssetStatus.DISPOSED))
    client = client_for(tenant_a, keeper)
    response = client.post(reverse("admin:assets_workorder_finish", args=[order.pk]), {})
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert "only one in repair can finish" in page.content.decode()
    response = client.post(reverse("admin:assets_workorder_start", args=[gone.pk]), follow=True)
    assert "cannot go into repair" in response.content.decode()


def test_an_employee_cannot_run_work_orders(tenant_a, make_member, client_for):
    worker = make_member(tenant_a, "wes@acme.test")
    with tenant_context(tenant_a):
        order = WorkOrderFactory()
    client = client_for(tenant_a, worker)
    response = client.post(reverse("admin:assets_workorder_start", args=[order.pk]))
    assert response.status_code in (302, 403, 404)
    with tenant_context(tenant_a):
        order.refresh_from_db()
        assert order.status == WorkOrder.Status.OPEN


# The calendar and the reliability figures


def test_the_calendar_shows_the_months_work_orders_and_planned_services(
    tenant_a, keeper, client_for
):
    with tenant_context(tenant_a):
        van = AssetFactory(name="Van")
        WorkOrderFactory(asset=van, title="Brakes", due_on=date(2026, 7, 14))
        WorkOrderFactory(asset=van, title="August job", due_on=date(2026, 8, 3))
        monthly = plan(title="Oil change", asset=van, every_months=1, starts_on=date(2026, 5, 20))
        open_due_work_orders(date(2026, 6, 20))  # June's occurrence has its work order
    client = client_for(tenant_a, keeper)
    url = reverse("admin:assets_workorder_calendar")
    page = client.get(url, {"month": "2026-07"}).content.decode()
    assert "Brakes" in page and "August job" not in page
    assert "Oil change" in page and "Planned" in page  # July 20, not opened yet
    assert "?month=2026-06" in page and "?month=2026-08" in page
    june = client.get(url, {"month": "2026-06"}).content.decode()
    assert june.count("Oil change") == 1  # the work order, not also the plan
    with tenant_context(tenant_a):
        assert WorkOrder.objects.get(plan=monthly).due_on == date(2026, 6, 20)

    def count(month) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url, {"month": month}).status_code == 200
        return len(queries)

    before = count("2026-07")
    with tenant_context(tenant_a):
        for day in range(1, 6):
            WorkOrderFactory(asset=AssetFactory(), due_on=date(2026, 7, day))
            plan(every_months=1, starts_on=date(2026, 1, day))
    assert count("2026-07") == before


def test_an_employee_has_no_calendar(tenant_a, make_member, client_for):
    worker = make_member(tenant_a, "wes@acme.test")
    response = client_for(tenant_a, worker).get(reverse("admin:assets_workorder_calendar"))
    assert response.status_code in (302, 403)


@freeze_time("2026-07-01 12:00:00")
def test_mtbf_and_mttr_per_category_by_hand(acme):
    from modules.assets.selectors_maintenance import reliability

    vans = AssetCategoryFactory(name="Vans")
    a = AssetFactory(category=vans, in_service_date=date(2026, 1, 1))  # 181 days
    b = AssetFactory(category=vans, purchase_date=date(2026, 4, 1))  # 91 days
    AssetFactory(category=vans, status=AssetStatus.DISPOSED)  # off the books

    def repair(asset, start, end=None, kind=WorkOrder.Kind.CORRECTIVE):
        WorkOrderFactory(
            asset=asset,
            kind=kind,
            status=WorkOrder.Status.DONE if end else WorkOrder.Status.IN_PROGRESS,
            started_at=datetime.fromisoformat(start).replace(tzinfo=UTC),
            finished_at=datetime.fromisoformat(end).replace(tzinfo=UTC) if end else None,
        )

    repair(a, "2026-02-01 10:00", "2026-02-02 10:00")  # 24 hours
    repair(b, "2026-05-01 08:00", "2026-05-01 20:00")  # 12 hours
    repair(a, "2026-06-30 00:00")  # still in repair: a failure, no downtime yet
    repair(a, "2026-03-01 00:00", "2026-03-05 00:00", kind=WorkOrder.Kind.PREVENTIVE)
    AssetCategoryFactory(name="Idle")
    [row] = [r for r in reliability(date(2026, 7, 1)) if r.category == "Vans"]
    # 272 days in service less 1.5 days down; three failures; two repairs of 36 h.
    assert (row.failures, row.repaired, row.operating_days) == (3, 2, 270.5)
    assert (row.mtbf_days, row.mttr_hours) == (90.17, 18.0)
