"""What the maintenance calendar and the reliability figures read (docs/assets.md,
"Maintenance"). A constant number of queries whatever the number of work orders,
plans or assets."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from modules.assets.depreciation import add_months
from modules.assets.models import AssetStatus, MaintenancePlan, WorkOrder
from modules.assets.services.maintenance import month_occurrences_between


@dataclass
class Entry:
    day: date
    title: str
    subject: str
    status: str  # a work order's status, or "planned"
    label: str  # what the status reads
    work_order_id: int | None = None


def month_entries(month: date) -> dict[date, list[Entry]]:
    """Work orders due in ``month`` and the month plans' occurrences in it that have
    no work order yet, by day. Unit plans have no date until the meter says so."""
    start = month.replace(day=1)
    end = add_months(start, 1) - timedelta(days=1)
    days: dict[date, list[Entry]] = {}
    for order in (
        WorkOrder.objects.filter(due_on__range=(start, end))
        .select_related("asset")
        .order_by("due_on", "pk")
    ):
        days.setdefault(order.due_on, []).append(
            Entry(
                order.due_on,
                order.title,
                str(order.asset),
                order.status,
                order.get_status_display(),
                order.pk,
            )
        )
    opened = set(
        WorkOrder.objects.filter(plan__isnull=False, plan_due_on__range=(start, end))
        .values_list("plan_id", "plan_due_on")
        .distinct()
    )
    for plan in (
        MaintenancePlan.objects.filter(active=True, every_months__isnull=False, starts_on__lte=end)
        .exclude(asset__status=AssetStatus.DISPOSED)
        .select_related("asset", "category")
        .order_by("pk")
    ):
        subject = str(plan.asset) if plan.asset_id else str(plan.category)
        for day in month_occurrences_between(plan, start, end):
            if (plan.pk, day) not in opened:
                days.setdefault(day, []).append(
                    Entry(day, plan.title, subject, "planned", _("Planned"))
                )
    return days


def weeks(month: date, entries: dict[date, list[Entry]], *, first_weekday: int = 0):
    """The month as weeks of (day, in the month, entries) for the grid."""
    grid = calendar.Calendar(first_weekday).monthdatescalendar(month.year, month.month)
    return [[(d, d.month == month.month, entries.get(d, [])) for d in week] for week in grid]


@dataclass
class Reliability:
    category: str
    failures: int
    repaired: int
    operating_days: float
    mtbf_days: float | None
    mttr_hours: float | None


def reliability(today: date) -> list[Reliability]:
    """MTBF and MTTR per category, over the assets still on the books.

    - operating time: each asset's days from its service start to ``today``, less
      the downtime of its finished corrective work orders;
    - failures: corrective work orders that started (the asset went into repair);
    - MTBF = operating time / failures (days); none without a failure;
    - MTTR = mean downtime (finished - started) of finished corrective work orders
      (hours); none without one.
    """
    from modules.assets.models import Asset

    live = ~Q(status=AssetStatus.DISPOSED)
    in_service = {
        row["category_id"]: (row["category__name"], row["days"])
        for row in Asset.objects.filter(live)
        .values("category_id", "category__name")
        .annotate(
            days=Sum(
                ExpressionWrapper(
                    Value(today) - Coalesce(F("in_service_date"), F("purchase_date")),
                    output_field=DurationField(),
                )
            )
        )
        .order_by("category__name")
    }
    repairs = {
        row["asset__category_id"]: row
        for row in WorkOrder.objects.filter(
            kind=WorkOrder.Kind.CORRECTIVE, started_at__isnull=False
        )
        .exclude(asset__status=AssetStatus.DISPOSED)
        .values("asset__category_id")
        .annotate(
            failures=Count("pk"),
            repaired=Count("pk", filter=Q(finished_at__isnull=False)),
            down=Sum(
                ExpressionWrapper(F("finished_at") - F("started_at"), output_field=DurationField()),
                filter=Q(finished_at__isnull=False),
            ),
        )
        .order_by()
    }
    rows = []
    for category_id, (name, days) in in_service.items():
        found = repairs.get(category_id, {})
        failures, repaired = found.get("failures", 0), found.get("repaired", 0)
        down = found.get("down") or timedelta(0)
        operating = max((days or timedelta(0)) - down, timedelta(0))
        rows.append(
            Reliability(
                category=name,
                failures=failures,
                repaired=repaired,
                operating_days=round(operating / timedelta(days=1), 2),
                mtbf_days=round(operating / timedelta(days=1) / failures, 2) if failures else None,
                mttr_hours=round(down / timedelta(hours=1) / repaired, 2) if repaired else None,
            )
        )
    return rows


def parse_month(value: str | None, today: date) -> date:
    try:
        return datetime.strptime(value or "", "%Y-%m").date()
    except ValueError:
        return today.replace(day=1)
