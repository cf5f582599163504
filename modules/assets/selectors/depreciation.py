"""Book values and schedules, read from the ledger (docs/assets.md, "Depreciation").

The book value of an asset on a day is its cost plus the ledger's entries dated
up to that day (a month's depreciation is dated its first day). Every reader
here is a fixed number of queries, whatever the number of assets or months.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Q, Sum

from modules.assets import depreciation as schedules
from modules.assets.models import Asset, AssetStatus, DepreciationEntry

ZERO = Decimal("0")
Kind = DepreciationEntry.Kind


def book_value(asset: Asset, on: date | None = None) -> Decimal:
    """The asset's book value on ``on`` (None: everything posted), in one query."""
    entries = DepreciationEntry.objects.filter(asset_id=asset.pk)
    if on is not None:
        entries = entries.filter(period__lte=on)
    moved = entries.aggregate(total=Sum("amount"))["total"] or ZERO
    return asset.purchase_cost + moved


@dataclass(frozen=True)
class Line:
    period: date
    kind: str  # a DepreciationEntry.Kind
    amount: Decimal  # signed: negative lowers the book value
    book_value: Decimal
    posted: bool  # False: projected by the schedule, not in the ledger yet
    reason: str = ""

    @property
    def kind_label(self) -> str:
        return Kind(self.kind).label


def full_schedule(asset: Asset) -> list[Line]:
    """The ledger's entries of the asset, then the months its schedule still has
    to post: two queries (three for units of production). ``asset`` has its
    category loaded."""
    from modules.assets.services import depreciation as posting

    posted = list(
        DepreciationEntry.objects.filter(asset_id=asset.pk)
        .order_by("period", "pk")
        .values_list("period", "kind", "amount", "book_value", "reason")
    )
    lines = [Line(p, k, a, b, True, r) for p, k, a, b, r in posted]
    if (
        not asset.category.depreciable
        or asset.status == AssetStatus.DISPOSED
        or asset.disposed_on is not None
    ):
        return lines
    last = max((p for p, k, *_ in posted if k == Kind.DEPRECIATION), default=None)
    revaluations = [(p, b) for p, k, _a, b, _r in posted if k == Kind.REVALUATION]
    ledger = posting.Ledger(
        last_posted=last,
        revalued_on=revaluations[-1][0] if revaluations else None,
        revalued_to=revaluations[-1][1] if revaluations else None,
    )
    row = posting.asset_row(asset)
    units = None
    if basis_method(asset) == schedules.UNITS_OF_PRODUCTION:
        units = posting.readings_by_asset([asset.pk]).get(asset.pk)
    for month in posting.current_schedule(row, ledger, units):
        if (last is None or month.period > last) and month.amount:
            lines.append(
                Line(month.period, Kind.DEPRECIATION, -month.amount, month.book_value, False)
            )
    return lines


def basis_method(asset: Asset) -> str:
    return asset.depreciation_method or asset.category.depreciation_method


# -- the reports: one aggregate query each ------------------------------------


def register_valued_at(on: date):
    """Every asset the company held on ``on`` with its cost, accumulated
    depreciation and book value on that day: one aggregate query (a join of the
    ledger, grouped by asset). Values rows, ordered by tag."""
    upto = Q(entries__period__lte=on)
    return (
        Asset.objects.filter(purchase_date__lte=on)
        .filter(Q(disposed_on__isnull=True) | Q(disposed_on__gt=on))
        .values("pk", "tag", "name", "category__name", "purchase_date", "purchase_cost")
        .annotate(
            depreciation=Sum("entries__amount", filter=upto & Q(entries__kind=Kind.DEPRECIATION)),
            moved=Sum("entries__amount", filter=upto),
        )
        .order_by("tag", "pk")
    )


@dataclass
class ValuedAsset:
    tag: str
    name: str
    category: str
    purchase_date: date
    cost: Decimal
    accumulated: Decimal  # depreciation to the day, positive
    book_value: Decimal


def valuation(on: date) -> tuple[list[ValuedAsset], dict[str, Decimal]]:
    """``register_valued_at`` as rows with totals."""
    rows = [
        ValuedAsset(
            tag=row["tag"],
            name=row["name"],
            category=row["category__name"],
            purchase_date=row["purchase_date"],
            cost=row["purchase_cost"],
            accumulated=-(row["depreciation"] or ZERO),
            book_value=row["purchase_cost"] + (row["moved"] or ZERO),
        )
        for row in register_valued_at(on)
    ]
    totals = {
        "cost": sum((r.cost for r in rows), ZERO),
        "accumulated": sum((r.accumulated for r in rows), ZERO),
        "book_value": sum((r.book_value for r in rows), ZERO),
    }
    return rows, totals


@dataclass
class MovedAsset:
    tag: str
    name: str
    category: str
    opening: Decimal  # the book value the day before the range (0 if bought in it)
    additions: Decimal  # the cost of an asset bought in the range
    depreciation: Decimal  # signed, as in the ledger: negative
    revaluations: Decimal
    disposals: Decimal
    closing: Decimal


MOVEMENTS = ("opening", "additions", "depreciation", "revaluations", "disposals", "closing")


def depreciation_report(start: date, end: date) -> tuple[list[MovedAsset], dict[str, Decimal]]:
    """Per asset held at some time in [start, end]: the book value before the
    range, what came in, each kind of entry in the range and the book value at
    its end, so that opening + additions + the entries = closing. One query."""
    within = Q(entries__period__gte=start, entries__period__lte=end)
    rows = (
        Asset.objects.filter(purchase_date__lte=end)
        .filter(Q(disposed_on__isnull=True) | Q(disposed_on__gte=start))
        .values("pk", "tag", "name", "category__name", "purchase_date", "purchase_cost")
        .annotate(
            before=Sum("entries__amount", filter=Q(entries__period__lt=start)),
            depreciation=Sum("entries__amount", filter=within & Q(entries__kind=Kind.DEPRECIATION)),
            revaluations=Sum("entries__amount", filter=within & Q(entries__kind=Kind.REVALUATION)),
            disposals=Sum("entries__amount", filter=within & Q(entries__kind=Kind.DISPOSAL)),
        )
        .order_by("tag", "pk")
    )
    result = []
    for row in rows:
        bought_in_range = row["purchase_date"] >= start
        cost = row["purchase_cost"]
        opening = ZERO if bought_in_range else cost + (row["before"] or ZERO)
        additions = cost if bought_in_range else ZERO
        moves = [row[k] or ZERO for k in ("depreciation", "revaluations", "disposals")]
        if bought_in_range:
            # Its first month is dated the month's first day, which may be
            # before a range that starts mid-month: it is still this range's.
            moves[0] += row["before"] or ZERO
        result.append(
            MovedAsset(
                row["tag"],
                row["name"],
                row["category__name"],
                opening,
                additions,
                *moves,
                closing=opening + additions + sum(moves, ZERO),
            )
        )
    totals = {k: sum((getattr(r, k) for r in result), ZERO) for k in MOVEMENTS}
    return result, totals
