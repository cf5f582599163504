"""Depreciation schedules, computed: no database, no Django.

The ledger (models/depreciation.py) records what was posted; this module says
what should be posted. It imports only the standard library, so the schedule
can be computed and tested without the module's apps loaded.

The product's rules, for every method:

- Depreciation is monthly, from the month the asset goes into service. The
  first month is pro rata by the days in service:
  ``(days_in_month - start.day + 1) / days_in_month`` (a leap year's February
  has 29 days). Units of production is not pro rata: its months are the units.
- Money is rounded to cents (ROUND_HALF_UP) each month. The last month takes
  the remainder, so the schedule depreciates exactly ``cost - salvage``; the
  book value never goes below the salvage value.
- A schedule ends when the book value reaches the salvage value. Nothing to
  depreciate (cost equal to salvage, a book value already at or below salvage,
  a useful life of 0 months for straight line or declining balance) is an
  empty schedule.
- Straight line: ``(cost - salvage) / life_months`` each full month. A partial
  first month makes the schedule one month longer (``life_months + 1``
  months), the last one taking the remainder.
- Declining balance: each month ``opening book value * rate / 100 / 12``
  (``rate`` is percent a year; the first month pro rata), never below salvage.
  The last month of the useful life, counted like straight line, writes the
  book value down to salvage.
- Units of production: ``(cost - salvage) * units in the month / total_units``,
  for the months of ``units_by_month`` that have units (months before the
  in-service month are ignored). The month the units reach ``total_units``
  takes the remainder. The useful life plays no part.
- A revaluation (``opening_book_value`` with ``from_period``) restarts the
  schedule from that book value in ``from_period``'s month, over what is left:
  the months from ``from_period`` to the end of the original schedule (straight
  line, declining balance) or the units left after those used before
  ``from_period`` (units of production). The returned months start there, and
  their ``accumulated`` counts from the restart. A restart with no life left is
  an empty schedule: the book value stays where the revaluation put it.

Bad input (an unknown method, a missing rate or total units, salvage above
cost) is a programming error and raises ``ValueError``.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

STRAIGHT_LINE = "straight_line"
DECLINING_BALANCE = "declining_balance"
UNITS_OF_PRODUCTION = "units_of_production"
METHODS = (STRAIGHT_LINE, DECLINING_BALANCE, UNITS_OF_PRODUCTION)

ZERO = Decimal("0")
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Basis:
    """What an asset's schedule is computed from (Asset.service_start(), .method(),
    .life_months(), .rate() give the asset's own or its category's figures)."""

    cost: Decimal
    salvage: Decimal
    start: date  # the in-service date
    life_months: int
    method: str
    rate: Decimal | None = None  # percent a year, for declining balance
    total_units: Decimal | None = None  # for units of production


@dataclass(frozen=True)
class Month:
    period: date  # the month's first day
    amount: Decimal  # the month's depreciation, positive
    accumulated: Decimal  # since the schedule's start (or its restart)
    book_value: Decimal  # after this month


def month_start(d: date) -> date:
    return d.replace(day=1)


def add_months(d: date, n: int) -> date:
    """``d`` moved by ``n`` months, its day kept or clamped to the month's last."""
    index = d.year * 12 + d.month - 1 + n
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def months_between(a: date, b: date) -> int:
    """How many months from ``a``'s month to ``b``'s (negative if b is earlier)."""
    return (b.year - a.year) * 12 + b.month - a.month


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def first_month_share(start: date) -> Decimal:
    """The part of the in-service month the asset was in service, by days."""
    days = calendar.monthrange(start.year, start.month)[1]
    return Decimal(days - start.day + 1) / Decimal(days)


def _money(value, name: str) -> Decimal:
    if isinstance(value, float):
        raise ValueError(f"{name} must be a Decimal, not a float.")
    return Decimal(value)


def schedule(
    basis: Basis,
    *,
    units_by_month: dict[date, Decimal] | None = None,
    opening_book_value: Decimal | None = None,
    from_period: date | None = None,
    until: date | None = None,
) -> list[Month]:
    """The whole monthly schedule of ``basis`` (the rules are in the module's
    docstring). ``units_by_month`` is for units of production: units used per
    month, keyed by any day of the month. ``until``: only the months up to its
    month (the same months, not computed past it: the month run needs no more)."""
    cost = _money(basis.cost, "cost")
    salvage = _money(basis.salvage, "salvage")
    if cost < 0 or salvage < 0:
        raise ValueError("Cost and salvage cannot be negative.")
    if salvage > cost:
        raise ValueError("The salvage value cannot be more than the cost.")
    if basis.method not in METHODS:
        raise ValueError(f"Unknown depreciation method {basis.method!r}.")
    if basis.life_months < 0:
        raise ValueError("The useful life cannot be negative.")
    if (opening_book_value is None) != (from_period is None):
        raise ValueError("A restart needs both opening_book_value and from_period.")

    book = cost if opening_book_value is None else _money(opening_book_value, "opening book")
    restart = None if from_period is None else month_start(from_period)

    if basis.method == UNITS_OF_PRODUCTION:
        return _units_of_production(basis, book, salvage, units_by_month or {}, restart, until)
    if basis.method == DECLINING_BALANCE:
        if basis.rate is None:
            raise ValueError("Declining balance needs a rate.")
        if _money(basis.rate, "rate") < 0:
            raise ValueError("The declining rate cannot be negative.")
    return _by_time(basis, book, salvage, restart, until)


def _by_time(
    basis: Basis, book: Decimal, salvage: Decimal, restart: date | None, until: date | None
) -> list[Month]:
    """Straight line and declining balance: a fixed run of months."""
    if basis.life_months == 0 or book <= salvage:
        return []
    first = month_start(basis.start)
    partial = basis.start.day > 1
    length = basis.life_months + (1 if partial else 0)
    skip = 0 if restart is None else max(0, months_between(first, restart))
    if skip >= length:
        return []
    if skip == 0:
        # Over the whole life: the partial first month is part of it.
        monthly = (book - salvage) / Decimal(basis.life_months)
    else:
        # A restart: full months only, spread over the months left.
        monthly = (book - salvage) / Decimal(length - skip)
    rate = None
    if basis.method == DECLINING_BALANCE:
        rate = _money(basis.rate, "rate") / Decimal(1200)  # percent a year -> a month

    months: list[Month] = []
    accumulated = ZERO
    stop = length if until is None else min(length, months_between(first, until) + 1)
    for index in range(skip, stop):
        share = first_month_share(basis.start) if index == 0 and partial else Decimal(1)
        left = book - salvage
        if index == length - 1:
            amount = left  # the last month of the life takes the rest
        elif rate is None:
            amount = min(cents(monthly * share), left)
        else:
            amount = min(cents(book * rate * share), left)
        book -= amount
        accumulated += amount
        months.append(Month(add_months(first, index), amount, accumulated, book))
        if book <= salvage:
            break
    return months


def _units_of_production(
    basis: Basis,
    book: Decimal,
    salvage: Decimal,
    units_by_month: dict[date, Decimal],
    restart: date | None,
    until: date | None = None,
) -> list[Month]:
    if basis.total_units is None or _money(basis.total_units, "total units") <= 0:
        raise ValueError("Units of production needs total units above zero.")
    first = month_start(basis.start)
    units: dict[date, Decimal] = {}
    for day, used in units_by_month.items():
        used = _money(used, "units")
        if used < 0:
            raise ValueError("Units used in a month cannot be negative.")
        if month_start(day) >= first:
            units[month_start(day)] = units.get(month_start(day), ZERO) + used
    total = _money(basis.total_units, "total units")
    if restart is not None:
        total -= sum((u for p, u in units.items() if p < restart), ZERO)
        units = {p: u for p, u in units.items() if p >= restart}
    if book <= salvage:
        return []
    depreciable = book - salvage

    months: list[Month] = []
    accumulated = ZERO
    used_so_far = ZERO
    for period in sorted(units):
        if until is not None and period > month_start(until):
            break
        if units[period] == 0:
            continue
        used_so_far += units[period]
        left = book - salvage
        if total <= 0 or used_so_far >= total:
            amount = left  # the units are used up: the rest goes now
        else:
            amount = min(cents(depreciable * units[period] / total), left)
        book -= amount
        accumulated += amount
        months.append(Month(period, amount, accumulated, book))
        if book <= salvage:
            break
    return months


def _opening(basis: Basis, opening_book_value) -> Decimal:
    return _money(basis.cost if opening_book_value is None else opening_book_value, "book")


def book_value_on(basis: Basis, on: date, **kwargs) -> Decimal:
    """The book value after the schedule's months up to ``on``'s month, that month
    included. Before the first month it is the cost (or the restart's book value).
    ``kwargs`` are schedule()'s."""
    months = [m for m in schedule(basis, **kwargs) if m.period <= month_start(on)]
    return months[-1].book_value if months else _opening(basis, kwargs.get("opening_book_value"))


def accumulated_on(basis: Basis, on: date, **kwargs) -> Decimal:
    """Depreciation of the schedule's months up to ``on``'s month, that month included."""
    months = [m for m in schedule(basis, **kwargs) if m.period <= month_start(on)]
    return months[-1].accumulated if months else ZERO


def disposal_gain(book_value: Decimal, proceeds: Decimal) -> Decimal:
    """The gain on a disposal: proceeds less the book value (negative is a loss)."""
    return _money(proceeds, "proceeds") - _money(book_value, "book value")
