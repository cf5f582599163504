"""What a stretch of leave costs: working days from the person's schedule and
holidays, half days, and hours (docs/leave.md, "Requests, working days and approval").

Counting rules, decided here:

- A working day is a weekday of the person's work schedule (no schedule:
  Monday to Friday). A type that ``counts_weekends`` counts every calendar day.
- A holiday of the person's calendar (their location's, else the company's
  default) is not a working day, unless the type ``counts_holidays``. A
  half-day holiday leaves half a working day.
- Half days: a request may start in the afternoon of its first day and end at
  midday on its last; a single-day request in the morning or the afternoon
  costs half that day. A half day on a half-day holiday costs half a day (the
  half that is worked).
- Hours: a single-day request of an hours type costs the hours given (the
  whole working day without them); longer ones cost working days × the
  schedule's hours per day (8 without a schedule).
- For routing, the cost is in days: hours are divided by the hours per day.

The holidays of a range come from one query, whatever its length.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Exists, OuterRef, Q

from modules.leave.models import ZERO, Holiday, HolidayCalendar, LeaveRequest, Unit

MONDAY_TO_FRIDAY = frozenset(range(5))
DEFAULT_HOURS = Decimal("8")
HALF = Decimal("0.5")
ONE = Decimal("1")
CENT = Decimal("0.01")
Part = LeaveRequest.Part


@dataclass
class Cost:
    """The cost of a request: ``amount`` in the type's unit, ``days`` in days."""

    amount: Decimal
    days: Decimal
    unit: str
    hours_per_day: Decimal
    # The dates that cost something and how much of each (1 or 0.5), in order.
    per_day: dict[date, Decimal] = field(default_factory=dict)


def company_today(tenant) -> date:
    """Today in the company's time zone (notice, "off tomorrow", the daily run)."""
    return tenant.today()


def schedule_of(employee) -> tuple[frozenset[int], Decimal]:
    """The person's working weekdays (Monday = 0) and hours per working day."""
    schedule = employee.schedule if employee.schedule_id else None
    if schedule is None:
        return MONDAY_TO_FRIDAY, DEFAULT_HOURS
    days = frozenset(schedule.working_days or MONDAY_TO_FRIDAY)
    hours = Decimal(str(schedule.hours_per_day)).quantize(CENT, ROUND_HALF_UP)
    return days, hours or DEFAULT_HOURS


def holidays_between(employee, start: date, end: date) -> dict[date, bool]:
    """{date: is a half day} for the person's holidays from ``start`` to ``end`` (one query).

    The calendars of the person's location apply; without one, the default calendar.
    A yearly holiday falls on its day and month in every year from its own.
    """
    location_id = employee.location_id
    default = Q(calendar__is_default=True)
    if location_id is not None:
        own = HolidayCalendar.objects.filter(pk=OuterRef("calendar_id"), locations=location_id)
        any_own = HolidayCalendar.objects.filter(locations=location_id)
        calendars = Q(Exists(own)) | (default & ~Q(Exists(any_own)))
    else:
        calendars = default
    dates = Q(recurs_yearly=False, date__range=(start, end)) | Q(recurs_yearly=True, date__lte=end)
    found: dict[date, bool] = {}
    for day, recurs, half in Holiday.objects.filter(calendars, dates).values_list(
        "date", "recurs_yearly", "half_day"
    ):
        years = range(max(day.year, start.year), end.year + 1) if recurs else [day.year]
        for year in years:
            try:
                when = day.replace(year=year)
            except ValueError:  # the 29th of February in a year without one
                continue
            if start <= when <= end:
                # Two calendars with the same day: a full holiday beats a half one.
                found[when] = found.get(when, True) and half
    return found


def _part_of(day: date, start: date, end: date, start_part: str, end_part: str) -> Decimal:
    if start == end:
        return ONE if start_part == end_part == Part.FULL else HALF
    if day == start and start_part == Part.AFTERNOON:
        return HALF
    if day == end and end_part == Part.MORNING:
        return HALF
    return ONE


def leave_cost(
    *,
    employee,
    leave_type,
    start: date,
    end: date,
    start_part: str = Part.FULL,
    end_part: str = Part.FULL,
    hours: Decimal | None = None,
) -> Cost:
    """What taking ``leave_type`` from ``start`` to ``end`` costs ``employee``."""
    weekdays, hours_per_day = schedule_of(employee)
    holidays = {} if leave_type.counts_holidays else holidays_between(employee, start, end)
    per_day: dict[date, Decimal] = {}
    day = start
    while day <= end:
        if leave_type.counts_weekends or day.weekday() in weekdays:
            worked = ONE
            if day in holidays:
                worked = HALF if holidays[day] else ZERO
            value = min(worked, _part_of(day, start, end, start_part, end_part))
            if value:
                per_day[day] = value
        day += timedelta(days=1)
    days = sum(per_day.values(), ZERO)
    if leave_type.unit != Unit.HOURS:
        return Cost(days, days, leave_type.unit, hours_per_day, per_day)
    if start == end and hours and per_day:
        amount = Decimal(hours)
    else:
        amount = days * hours_per_day
    amount = amount.quantize(CENT, ROUND_HALF_UP)
    in_days = (amount / hours_per_day).quantize(CENT, ROUND_HALF_UP)
    return Cost(amount, in_days, leave_type.unit, hours_per_day, per_day)


def cost_from(cost: Cost, first_day: date) -> Decimal:
    """The part of ``cost`` (in the type's unit) that falls on ``first_day`` or later."""
    if not cost.days:
        return ZERO
    later = sum((value for day, value in cost.per_day.items() if day >= first_day), ZERO)
    if cost.unit != Unit.HOURS:
        return later
    whole = sum(cost.per_day.values(), ZERO)
    return (cost.amount * later / whole).quantize(CENT, ROUND_HALF_UP)
