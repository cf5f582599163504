"""The daily run: plans open their work orders and the register's keepers hear of
warranties ending and work orders due or overdue, each once."""

from __future__ import annotations

from datetime import date

import pytest
from freezegun import freeze_time

from modules.assets import notifications as notices
from modules.assets.models import WorkOrder
from modules.assets.services.alerts import send_alerts
from modules.assets.tasks import run_maintenance_daily
from opsplatform.notifications.models import Notification
from opsplatform.tenancy import tenant_context
from tenants.roles import RoleCode
from tests.modules.assets.factories import AssetFactory, MaintenancePlanFactory, WorkOrderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(tenant_a, owner_a, make_member):
    finance = make_member(tenant_a, "fin@acme.test", roles=[RoleCode.FINANCE])
    hr = make_member(tenant_a, "hana@acme.test", roles=[RoleCode.HR])
    worker = make_member(tenant_a, "wes@acme.test")
    return owner_a, finance, hr, worker


def told(user, type_code) -> list[dict]:
    return list(
        Notification.objects.filter(recipient=user, type_code=type_code).values_list(
            "context", flat=True
        )
    )


def test_a_warranty_ending_within_30_days_is_told_once_to_the_keepers(tenant_a, people):
    owner, finance, hr, worker = people
    with tenant_context(tenant_a):
        soon = AssetFactory(name="Laptop", warranty_end=date(2026, 7, 31))
        AssetFactory(warranty_end=date(2026, 8, 5))  # 35 days: not yet
        AssetFactory(warranty_end=date(2026, 6, 30))  # ended
        assert send_alerts(date(2026, 7, 1)) == 1
        assert send_alerts(date(2026, 7, 1)) == 0
        assert send_alerts(date(2026, 7, 2)) == 0  # the same warranty date: told already
        for keeper in (owner, finance):
            [context] = told(keeper, notices.WARRANTY_ENDING)
            assert (context["asset_id"], context["on"]) == (soon.pk, "2026-07-31")
        assert told(hr, notices.WARRANTY_ENDING) == []
        assert told(worker, notices.WARRANTY_ENDING) == []
        # Extended, and ending again within the month: a new notice.
        soon.warranty_end = date(2026, 7, 20)
        soon.save()
        assert send_alerts(date(2026, 7, 2)) == 1


def test_work_orders_due_within_a_week_then_overdue(tenant_a, people):
    owner = people[0]
    with tenant_context(tenant_a):
        order = WorkOrderFactory(title="Service", due_on=date(2026, 7, 10))
        WorkOrderFactory(due_on=date(2026, 7, 9), status=WorkOrder.Status.DONE)
        assert send_alerts(date(2026, 7, 2)) == 0  # 8 days ahead
        assert send_alerts(date(2026, 7, 3)) == 1
        assert send_alerts(date(2026, 7, 9)) == 0
        assert send_alerts(date(2026, 7, 11)) == 1  # overdue now
        assert send_alerts(date(2026, 7, 12)) == 0
        assert [c["work_order_id"] for c in told(owner, notices.MAINTENANCE_DUE)] == [order.pk]
        assert [c["work_order_id"] for c in told(owner, notices.MAINTENANCE_OVERDUE)] == [order.pk]


def test_the_daily_task_opens_work_orders_and_tells_once_a_day(tenant_a, people):
    owner = people[0]
    with tenant_context(tenant_a):
        plan = MaintenancePlanFactory(starts_on=date(2026, 7, 8), lead_days=7)
    with freeze_time("2026-07-01 08:00"):
        run_maintenance_daily()
        run_maintenance_daily()  # the next quarter hour finds the day done
    with tenant_context(tenant_a):
        order = WorkOrder.objects.get(plan=plan)
        assert order.due_on == date(2026, 7, 8)
        assert len(told(owner, notices.MAINTENANCE_DUE)) == 1
    with freeze_time("2026-07-02 08:00"):
        run_maintenance_daily()
    with tenant_context(tenant_a):
        assert WorkOrder.objects.filter(plan=plan).count() == 1
        assert len(told(owner, notices.MAINTENANCE_DUE)) == 1
