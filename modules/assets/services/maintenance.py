"""Maintenance: plans open their due work orders; a work order takes the asset into
repair and back (docs/assets.md, "Maintenance").

A plan's occurrences:

- every N months: ``starts_on + k*N months`` for k = 0, 1, 2 ..., each computed
  from ``starts_on`` with end-of-month clamping (Jan 31 → Feb 28/29 → Mar 31);
- every N units: the day of the first meter reading that is N units or more above
  the reading at the last occurrence (before the first one: the last reading on or
  before ``starts_on``, else the asset's first reading).

Each run opens, per plan and asset, at most ONE work order: for the latest
occurrence on or before ``today + lead_days`` that comes after the last one opened
(a worker that was down for months does not bring back a backlog of stale
services). The unique constraint (plan, asset, plan_due_on) makes a second run,
or two at once, open nothing more.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from modules.assets.depreciation import add_months
from modules.assets.models import (
    Asset,
    AssetStatus,
    Assignment,
    MaintenancePlan,
    MeterReading,
    WorkOrder,
)
from modules.assets.services.lifecycle import lock, move
from opsplatform.bulk import create_with_history
from opsplatform.refusals import Refused

# What the closed assignment says when an asset goes from its holder into repair.
SENT_TO_REPAIR = "Sent to repair"
# How far a month plan is searched for occurrences (120 months x 100 years).
_MAX_STEPS = 1200


def month_occurrence(plan: MaintenancePlan, k: int) -> date:
    return add_months(plan.starts_on, k * plan.every_months)


def latest_month_occurrence(plan: MaintenancePlan, *, after: date | None, until: date):
    """The latest occurrence in (after, until] of a month plan, or None."""
    if plan.every_months is None or plan.starts_on > until:
        return None
    # Months from the start to ``until``; clamping moves a date only backwards
    # inside its month, so k is this or one less.
    months = (until.year - plan.starts_on.year) * 12 + until.month - plan.starts_on.month
    k = max(months // plan.every_months, 0)
    while k > 0 and month_occurrence(plan, k) > until:
        k -= 1
    found = month_occurrence(plan, k)
    if found > until or (after is not None and found <= after):
        return None
    return found


def month_occurrences_between(plan: MaintenancePlan, start: date, end: date) -> list[date]:
    """Every occurrence of a month plan in [start, end] (the calendar)."""
    if plan.every_months is None:
        return []
    found = []
    for k in range(_MAX_STEPS):
        day = month_occurrence(plan, k)
        if day > end:
            break
        if day >= start:
            found.append(day)
    return found


def unit_occurrence(plan: MaintenancePlan, readings: list, *, after: date | None, until: date):
    """The day the meter passed ``every_units`` since the last occurrence, or None.

    ``readings`` are the asset's (read_on, reading) in date order.
    """
    if plan.every_units is None or not readings:
        return None
    anchor = after or plan.starts_on
    base = None
    for read_on, reading in readings:
        if read_on <= anchor:
            base = reading
    start_index = 0
    if base is None:
        base = readings[0][1]
        start_index = 1
    for read_on, reading in readings[start_index:]:
        if read_on > until:
            break
        if read_on <= anchor:
            continue
        if reading - base >= plan.every_units:
            return read_on
    return None


def _assets_of(plans: list[MaintenancePlan]) -> dict[int, list[Asset]]:
    """Each plan's assets: its asset, or every non-disposed asset of its category."""
    by_category: dict[int, list[Asset]] = {}
    category_ids = {plan.category_id for plan in plans if plan.category_id}
    if category_ids:
        for asset in (
            Asset.objects.filter(category_id__in=category_ids)
            .exclude(status=AssetStatus.DISPOSED)
            .order_by("pk")
        ):
            by_category.setdefault(asset.category_id, []).append(asset)
    return {
        plan.pk: ([plan.asset] if plan.asset_id else by_category.get(plan.category_id, []))
        for plan in plans
    }


def _readings_of(asset_ids) -> dict[int, list]:
    readings: dict[int, list] = {}
    for asset_id, read_on, reading in (
        MeterReading.objects.filter(asset_id__in=asset_ids)
        .order_by("asset_id", "read_on")
        .values_list("asset_id", "read_on", "reading")
    ):
        readings.setdefault(asset_id, []).append((read_on, reading))
    return readings


def next_opening(plan, asset, readings, *, last: date | None, today: date):
    """The occurrence a run on ``today`` opens for (plan, asset), or None."""
    until = today + timedelta(days=plan.lead_days)
    candidates = [
        day
        for day in (
            latest_month_occurrence(plan, after=last, until=until),
            unit_occurrence(plan, readings, after=last, until=today),
        )
        if day is not None
    ]
    return min(candidates) if candidates else None


@transaction.atomic
def open_due_work_orders(today: date | None = None, *, by=None) -> list[WorkOrder]:
    """Open one preventive work order per plan and asset whose occurrence is within
    its lead days; a constant number of queries whatever the number of plans."""
    today = today or timezone.localdate()
    plans = list(
        MaintenancePlan.objects.filter(active=True)
        .select_related("asset")
        .exclude(asset__status=AssetStatus.DISPOSED)
        .order_by("pk")
    )
    if not plans:
        return []
    assets_of = _assets_of(plans)
    last_of = {
        (row["plan_id"], row["asset_id"]): row["last"]
        for row in WorkOrder.objects.filter(plan__in=plans)
        .values("plan_id", "asset_id")
        .annotate(last=Max("plan_due_on"))
        .order_by()
    }
    unit_assets = {asset.pk for plan in plans if plan.every_units for asset in assets_of[plan.pk]}
    readings = _readings_of(unit_assets) if unit_assets else {}
    orders = []
    for plan in plans:
        for asset in assets_of[plan.pk]:
            day = next_opening(
                plan,
                asset,
                readings.get(asset.pk, []),
                last=last_of.get((plan.pk, asset.pk)),
                today=today,
            )
            if day is None:
                continue
            orders.append(
                WorkOrder(
                    tenant_id=plan.tenant_id,
                    asset=asset,
                    plan=plan,
                    kind=WorkOrder.Kind.PREVENTIVE,
                    title=plan.title[:160],
                    description=plan.instructions,
                    vendor_id=plan.vendor_id,
                    plan_due_on=day,
                    due_on=day,
                    created_at=timezone.now(),
                )
            )
    # Built from saved plans and assets, so nothing to validate row by row (a
    # full_clean would look every foreign key up again: a query per order).
    return create_with_history(orders, WorkOrder, user=by, reason=_("Maintenance plan"))


def _locked_order(work_order: WorkOrder) -> WorkOrder:
    return WorkOrder.objects.select_for_update().get(pk=work_order.pk)


def _return_first(asset: Asset, *, by, at) -> None:
    """Close the holder's open assignment as the asset goes into repair.

    The custody services (services/custody.py) were not on main when this was
    written, so the assignment is closed here, the same way a return does:
    returned_at, who recorded it and the condition "Sent to repair", with a
    "return" lifecycle event. Switch to custody's return when it lands.
    """
    current = Assignment.objects.filter(asset=asset, returned_at__isnull=True).first()
    move(asset, "return", by=by, reason=SENT_TO_REPAIR)
    if current is not None:
        current.returned_at = max(at, current.assigned_at)
        current.condition_in = SENT_TO_REPAIR
        current.returned_by = by
        current.save(update_fields=["returned_at", "condition_in", "returned_by"])


@transaction.atomic
def start_work_order(work_order: WorkOrder, *, by) -> WorkOrder:
    """Into repair: the asset leaves service now (returned first if someone holds it)."""
    work_order = _locked_order(work_order)
    if work_order.status != WorkOrder.Status.OPEN:
        raise Refused(
            _("This work order is %(status)s: only an open one can start.")
            % {"status": work_order.get_status_display().lower()}
        )
    asset = lock(work_order.asset_id)
    if asset.status in (AssetStatus.DISPOSED, AssetStatus.RETIRED):
        raise Refused(
            _("%(asset)s is %(status)s: it cannot go into repair.")
            % {"asset": asset.tag, "status": asset.get_status_display().lower()}
        )
    now = timezone.now()
    if asset.status == AssetStatus.ASSIGNED:
        _return_first(asset, by=by, at=now)
    move(asset, "send_to_repair", by=by, reason=work_order.title)
    work_order.status = WorkOrder.Status.IN_PROGRESS
    work_order.started_at = now
    work_order.save(update_fields=["status", "started_at"])
    return work_order


@transaction.atomic
def finish_work_order(work_order: WorkOrder, *, cost=None, resolution: str = "", by) -> WorkOrder:
    """Back in service: the cost and what was done are recorded, the asset is in stock."""
    work_order = _locked_order(work_order)
    if work_order.status != WorkOrder.Status.IN_PROGRESS:
        raise Refused(
            _("This work order is %(status)s: only one in repair can finish.")
            % {"status": work_order.get_status_display().lower()}
        )
    if cost is not None and cost < 0:
        raise Refused(_("The cost cannot be negative."), field="cost")
    asset = lock(work_order.asset_id)
    if asset.status == AssetStatus.IN_REPAIR:
        move(asset, "back_from_repair", by=by, reason=work_order.title)
    work_order.status = WorkOrder.Status.DONE
    work_order.finished_at = max(timezone.now(), work_order.started_at)
    if cost is not None:
        work_order.cost = cost
    work_order.resolution = (resolution or "").strip()
    work_order.full_clean(validate_unique=False, validate_constraints=False)
    work_order.save(update_fields=["status", "finished_at", "cost", "resolution"])
    return work_order


@transaction.atomic
def cancel_work_order(work_order: WorkOrder, *, by) -> WorkOrder:
    """Not needed after all; only an open one (an asset in repair is finished instead)."""
    work_order = _locked_order(work_order)
    if work_order.status != WorkOrder.Status.OPEN:
        raise Refused(
            _("This work order is %(status)s: only an open one can be cancelled.")
            % {"status": work_order.get_status_display().lower()}
        )
    work_order.status = WorkOrder.Status.CANCELLED
    work_order.save(update_fields=["status"])
    return work_order
