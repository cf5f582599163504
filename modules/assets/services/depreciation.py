"""Posting depreciation: every month due, for every asset, written once; and an
asset's revaluation and disposal (docs/assets.md, "Depreciation").

What is due comes from the pure schedules (modules/assets/depreciation.py); the
ledger (DepreciationEntry) says what is written. A month's entry is dated its
first day and carries the schedule's book value after it.

``post_month`` is bulk: for all assets of the company a fixed handful of queries
(the assets with their categories, one aggregate of each asset's last posted
month and last revaluation, the revaluations' book values, the meter readings of
units-of-production assets) and one insert per thousand entries. It is
idempotent by construction: only months after an asset's last posted one are
built, so a second run writes nothing; a run after months away writes them all.
It does not use ``ignore_conflicts``: a conflicting row would be dropped after
the database's audit trigger had chained it, leaving a link without a row
(modules/leave/services/daily.py says the same).

Posting, revaluing and disposing in one company take one transaction-level
advisory lock: the run reads every asset's ledger, then writes, and a disposal
committed in between would otherwise get a month posted after it.
"""

from __future__ import annotations

import zlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache

from django.db import connection, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from modules.assets import depreciation as schedules
from modules.assets.models import (
    Asset,
    AssetStatus,
    DepreciationEntry,
    DisposalKind,
    MeterReading,
)
from modules.assets.services.lifecycle import lock, move
from opsplatform.refusals import Refused
from opsplatform.tenancy import get_current_tenant_id

# The name of the run in the periodic-run records (opsplatform.models.SweepRun).
RUN_NAME = "Assets: depreciation"
BATCH = 1000
ZERO = Decimal("0")
Kind = DepreciationEntry.Kind

ASSET_FIELDS = (
    "pk",
    "purchase_cost",
    "salvage_value",
    "purchase_date",
    "in_service_date",
    "depreciation_method",
    "useful_life_months",
    "declining_rate",
    "total_units",
    "category__depreciation_method",
    "category__useful_life_months",
    "category__declining_rate",
)


@dataclass
class PostingReport:
    month: date
    assets: int = 0  # assets that got at least one entry
    posted: int = 0  # entries written


def _serialise() -> None:
    """One poster at a time per company (see the module's docstring)."""
    if connection.vendor != "postgresql":
        return
    key = zlib.crc32(f"assets.depreciation:{get_current_tenant_id()}".encode()) - 2**31
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def basis_of(row: dict) -> schedules.Basis:
    """The schedule's basis from an asset's ``values(*ASSET_FIELDS)`` row: the
    asset's own method, life and rate, or its category's."""
    return schedules.Basis(
        cost=row["purchase_cost"],
        salvage=row["salvage_value"],
        start=row["in_service_date"] or row["purchase_date"],
        life_months=row["useful_life_months"] or row["category__useful_life_months"],
        method=row["depreciation_method"] or row["category__depreciation_method"],
        rate=(
            row["declining_rate"]
            if row["declining_rate"] is not None
            else row["category__declining_rate"]
        ),
        total_units=row["total_units"],
    )


def asset_row(asset: Asset) -> dict:
    """``basis_of``'s row for one asset in hand (its category loaded)."""
    row = {name: getattr(asset, name) for name in ASSET_FIELDS if "__" not in name}
    row["pk"] = asset.pk
    for name in ("depreciation_method", "useful_life_months", "declining_rate"):
        row[f"category__{name}"] = getattr(asset.category, name)
    return row


# Assets bought together (a batch of laptops) share a basis: their schedule is
# computed once per run. Bounded, so a long-running worker does not grow.
@lru_cache(maxsize=4096)
def _cached(basis, units, opening, restart, until=None) -> tuple[schedules.Month, ...]:
    kwargs = {"units_by_month": dict(units), "until": until} if units else {"until": until}
    if restart is not None:
        kwargs.update(opening_book_value=opening, from_period=restart)
    return tuple(schedules.schedule(basis, **kwargs))


def units_by_month(readings) -> dict[date, Decimal]:
    """A meter's units per month from its readings (date, total), in date order:
    each reading counts what the meter ran since the one before. A meter that
    went back (replaced, reset) counts nothing for that reading."""
    units: dict[date, Decimal] = defaultdict(lambda: ZERO)
    previous = None
    for read_on, reading in readings:
        if previous is not None:
            units[schedules.month_start(read_on)] += max(ZERO, reading - previous)
        previous = reading
    return dict(units)


@dataclass(frozen=True)
class Ledger:
    """What is written for one asset: its last posted month, its last revaluation."""

    last_posted: date | None = None
    revalued_on: date | None = None
    revalued_to: Decimal | None = None


def ledgers(asset_ids=None) -> dict[int, Ledger]:
    """Each asset's ``Ledger``, in two queries (the second only when revaluations exist)."""
    entries = DepreciationEntry.objects.all()
    if asset_ids is not None:
        entries = entries.filter(asset_id__in=asset_ids)
    rows = (
        entries.values("asset_id")
        .annotate(
            last=Max("period", filter=Q(kind=Kind.DEPRECIATION)),
            revalued=Max("period", filter=Q(kind=Kind.REVALUATION)),
        )
        .values_list("asset_id", "last", "revalued")
    )
    found = {asset_id: (last, revalued) for asset_id, last, revalued in rows}
    revalued = {pk for pk, (_last, on) in found.items() if on is not None}
    values = {}
    if revalued:
        # The latest revaluation of each (several on one day: the last written).
        for asset_id, book in (
            DepreciationEntry.objects.filter(kind=Kind.REVALUATION, asset_id__in=revalued)
            .order_by("asset_id", "-period", "-pk")
            .distinct("asset_id")
            .values_list("asset_id", "book_value")
        ):
            values[asset_id] = book
    return {
        pk: Ledger(last, on, values.get(pk) if on is not None else None)
        for pk, (last, on) in found.items()
    }


def readings_by_asset(asset_ids) -> dict[int, dict[date, Decimal]]:
    readings = defaultdict(list)
    for asset_id, read_on, reading in (
        MeterReading.objects.filter(asset_id__in=asset_ids)
        .order_by("asset_id", "read_on", "pk")
        .values_list("asset_id", "read_on", "reading")
    ):
        readings[asset_id].append((read_on, reading))
    return {pk: units_by_month(rows) for pk, rows in readings.items()}


def current_schedule(
    row: dict, ledger: Ledger, units=None, until: date | None = None
) -> tuple[schedules.Month, ...]:
    """The schedule the asset is on now: from its purchase, or restarted by its
    last revaluation in the month after it (the revaluation's month is posted
    before it, see ``revalue``). ``until``: its months up to that month only."""
    basis = basis_of(row)
    frozen_units = tuple(sorted((units or {}).items())) or None
    if ledger.revalued_on is None:
        return _cached(basis, frozen_units, None, None, until)
    restart = schedules.add_months(schedules.month_start(ledger.revalued_on), 1)
    return _cached(basis, frozen_units, ledger.revalued_to, restart, until)


def due_entries(row: dict, ledger: Ledger, until: date, *, tenant_id: int, units=None, by=None):
    """The entries due for one asset up to ``until``'s month and not written yet."""
    last = ledger.last_posted or date.min
    month = schedules.month_start(until)
    return [
        DepreciationEntry(
            tenant_id=tenant_id,
            asset_id=row["pk"],
            kind=Kind.DEPRECIATION,
            period=item.period,
            amount=-item.amount,
            book_value=item.book_value,
            created_by=by,
        )
        for item in current_schedule(row, ledger, units, until=month)
        if last < item.period and item.amount != 0
    ]


def _depreciating(assets):
    """Of ``assets``, those that depreciate: a depreciable category, not disposed."""
    return assets.filter(category__depreciable=True, disposed_on__isnull=True).exclude(
        status=AssetStatus.DISPOSED
    )


def _post(assets, until: date, *, by=None) -> PostingReport:
    report = PostingReport(schedules.month_start(until))
    tenant_id = get_current_tenant_id()
    last_day = schedules.add_months(report.month, 1)
    rows = list(
        _depreciating(assets)
        .filter(
            Q(in_service_date__lt=last_day) | Q(in_service_date=None, purchase_date__lt=last_day)
        )
        .order_by("pk")
        .values(*ASSET_FIELDS)
    )
    if not rows:
        return report
    only = [row["pk"] for row in rows] if len(rows) < BATCH else None
    books = ledgers(only)
    metered = [
        row["pk"]
        for row in rows
        if (row["depreciation_method"] or row["category__depreciation_method"])
        == schedules.UNITS_OF_PRODUCTION
    ]
    units = readings_by_asset(metered) if metered else {}
    pending: list[DepreciationEntry] = []
    for row in rows:
        ledger = books.get(row["pk"], Ledger())
        if ledger.last_posted is not None and ledger.last_posted >= report.month:
            continue  # posted up to the month already: no schedule to compute
        entries = due_entries(
            row,
            ledger,
            until,
            tenant_id=tenant_id,
            units=units.get(row["pk"]),
            by=by,
        )
        if entries:
            report.assets += 1
            pending += entries
        if len(pending) >= BATCH:
            DepreciationEntry.objects.bulk_create(pending, batch_size=BATCH)
            report.posted += len(pending)
            pending = []
    if pending:
        DepreciationEntry.objects.bulk_create(pending, batch_size=BATCH)
        report.posted += len(pending)
    return report


@transaction.atomic
def post_month(month: date, *, by=None) -> PostingReport:
    """Post every month up to ``month``'s (included) that is due and not posted,
    for every depreciating asset of the current company. Run twice, the second
    run posts nothing."""
    _serialise()
    return _post(Asset.objects.all(), month, by=by)


def last_complete_month(today: date) -> date:
    return schedules.add_months(schedules.month_start(today), -1)


def run_for_tenant(tenant) -> PostingReport:
    """The periodic task's work for one company (inside its transaction)."""
    return post_month(last_complete_month(tenant.today()))


# -- one asset: revaluation and disposal --------------------------------------


def _book_value(asset: Asset) -> Decimal:
    from modules.assets.selectors.depreciation import book_value

    return book_value(asset)


def _catch_up(asset: Asset, on: date, by) -> None:
    """Post the asset's months up to ``on``'s month before an entry dated ``on``."""
    _post(Asset.objects.filter(pk=asset.pk), on, by=by)


def _check_date(asset: Asset, on: date, what: str) -> None:
    if on > timezone.localdate():
        raise Refused(_("%(what)s cannot be dated in the future.") % {"what": what}, field="on")
    if on < asset.purchase_date:
        raise Refused(
            _("%(what)s cannot be dated before the purchase (%(day)s).")
            % {"what": what, "day": date_format(asset.purchase_date)},
            field="on",
        )
    # A later month posted, or a later revaluation: the ledger cannot go back.
    latest = (
        DepreciationEntry.objects.filter(asset=asset, period__gt=on)
        .order_by("-period")
        .values_list("period", flat=True)
        .first()
    )
    if latest is not None:
        raise Refused(
            _("The ledger of %(asset)s has entries up to %(day)s: %(what)s cannot be dated before.")
            % {"asset": asset.tag, "day": date_format(latest), "what": what.lower()},
            field="on",
        )


@transaction.atomic
def revalue(*, asset: Asset, new_value: Decimal, on: date, reason: str, by) -> DepreciationEntry:
    """Set the asset's book value on ``on`` to ``new_value``. Its months up to
    ``on``'s are posted first; its schedule restarts from the new value in the
    next month, over the months of its life that are left (depreciation.py)."""
    _serialise()
    asset = lock(asset)
    if asset.status == AssetStatus.DISPOSED or asset.disposed_on is not None:
        raise Refused(_("%(asset)s is disposed of: it cannot be revalued.") % {"asset": asset.tag})
    if not (reason or "").strip():
        raise Refused(_("Say why."), field="reason")
    if new_value is None or new_value < 0:
        raise Refused(_("The new value cannot be negative."), field="new_value")
    _check_date(asset, on, _("A revaluation"))
    if asset.category.depreciable:
        _catch_up(asset, on, by)
    book = _book_value(asset)
    if new_value == book:
        raise Refused(
            _("%(asset)s is already worth %(value)s.") % {"asset": asset.tag, "value": book},
            field="new_value",
        )
    entry = DepreciationEntry(
        asset=asset,
        kind=Kind.REVALUATION,
        period=on,
        amount=new_value - book,
        book_value=new_value,
        reason=reason.strip(),
        created_by=by,
    )
    entry.full_clean()
    entry.save()
    return entry


@transaction.atomic
def dispose(
    *, asset: Asset, kind: str, on: date, proceeds: Decimal, reason: str, by
) -> DepreciationEntry:
    """The asset leaves the company, sold or scrapped, on ``on``. Its months up to
    ``on``'s are posted, then a disposal entry takes the book value to zero; the
    gain (negative: a loss) is the proceeds less that book value."""
    _serialise()
    asset = lock(asset)
    if asset.status == AssetStatus.ASSIGNED:
        raise Refused(
            _("%(asset)s is assigned: return it before disposing of it.") % {"asset": asset.tag}
        )
    if asset.status == AssetStatus.DISPOSED or asset.disposed_on is not None:
        raise Refused(_("%(asset)s is already disposed of.") % {"asset": asset.tag})
    if kind not in DisposalKind.values:
        raise Refused(_("Say whether it was sold or scrapped."), field="kind")
    if not (reason or "").strip():
        raise Refused(_("Say why."), field="reason")
    proceeds = ZERO if proceeds is None else proceeds
    if proceeds < 0:
        raise Refused(_("The proceeds cannot be negative."), field="proceeds")
    _check_date(asset, on, _("A disposal"))
    if asset.category.depreciable:
        _catch_up(asset, on, by)  # before the move: a disposed asset posts nothing
    move(asset, "dispose", by=by, reason=reason.strip())  # refuses in repair, with a message
    book = _book_value(asset)
    entry = DepreciationEntry(
        asset=asset,
        kind=Kind.DISPOSAL,
        period=on,
        amount=-book,
        book_value=ZERO,
        reason=reason.strip(),
        created_by=by,
    )
    entry.full_clean()
    entry.save()
    asset.disposed_on = on
    asset.disposal_kind = kind
    asset.disposal_proceeds = proceeds
    asset.disposal_gain = schedules.disposal_gain(book, proceeds)
    asset.save(
        update_fields=[
            "disposed_on",
            "disposal_kind",
            "disposal_proceeds",
            "disposal_gain",
            "updated_at",
        ]
    )
    return entry
