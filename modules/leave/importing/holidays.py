"""Holidays: each row is one day of an existing holiday calendar.

A calendar has at most one holiday a date (the model's constraint): a date
already in the calendar, or twice in the file, is a problem on its row. Holidays
have a history table, so they are written with ``create_with_history`` (COPY
on PostgreSQL), one creation row each.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from modules.leave.importing.columns import HOLIDAY_COLUMNS
from modules.leave.models import Holiday, HolidayCalendar
from opsplatform.bulk import create_with_history
from opsplatform.importing.files import SourceRow
from opsplatform.importing.report import ImportReport
from opsplatform.importing.rows import RowCheck, check_rows
from opsplatform.tenancy.context import require_current_tenant

COLUMNS = HOLIDAY_COLUMNS
NAME_LIMIT = Holiday._meta.get_field("name").max_length


@dataclass(slots=True)
class Day:
    line: int
    calendar_id: int
    date: date
    name: str
    recurs_yearly: bool
    half_day: bool


@dataclass
class Lookups:
    calendars: dict[str, HolidayCalendar]  # lower(name) -> calendar
    taken: set[tuple[int, date]]  # (calendar, date) with a holiday already

    @classmethod
    def load(cls) -> Lookups:
        return cls(
            calendars={c.name.lower(): c for c in HolidayCalendar.objects.all()},
            taken=set(Holiday.objects.values_list("calendar_id", "date")),
        )


def check(headers: list[str], rows: Iterable[SourceRow]) -> tuple[ImportReport, list[Day]]:
    lookups = Lookups.load()
    lines: dict[tuple[int, date], int] = {}
    return check_rows(headers, rows, lambda row: _check_row(row, lookups, lines))


def _check_row(row: RowCheck, lookups: Lookups, lines: dict) -> Day | None:
    name = row.text("calendar", required=True)
    calendar = lookups.calendars.get(name.lower()) if name else None
    if name and calendar is None:
        row.fail("calendar", _("No holiday calendar “%(value)s”.") % {"value": name})
    day = row.day("date", required=True)
    title = row.text("name", required=True, limit=NAME_LIMIT)
    every_year = row.yes_no("every_year")
    half_day = row.yes_no("half_day")
    if row.failed:
        return None
    pair = (calendar.pk, day)
    if pair in lookups.taken:
        row.fail(
            "date",
            _("%(calendar)s already has a holiday on %(date)s.")
            % {"calendar": calendar.name, "date": date_format(day)},
        )
        return None
    if pair in lines:
        row.fail(
            "date",
            _("%(calendar)s has a holiday on %(date)s on line %(line)d too.")
            % {"calendar": calendar.name, "date": date_format(day), "line": lines[pair]},
        )
        return None
    lines[pair] = row.line
    return Day(row.line, calendar.pk, day, title, every_year, half_day)


def apply(days: list[Day], report: ImportReport, *, user=None, key: str = "") -> None:
    """Write every checked holiday in one transaction (only call with ``report.ok``).

    ``key`` is not needed: a second write of the same holidays breaks the
    calendar's one-holiday-a-date constraint and rolls back whole."""
    if not report.ok:
        raise ValueError("refusing to apply an import with errors")
    tenant = require_current_tenant()
    objects = [
        Holiday(
            tenant=tenant,
            calendar_id=d.calendar_id,
            date=d.date,
            name=d.name,
            recurs_yearly=d.recurs_yearly,
            half_day=d.half_day,
        )
        for d in days
    ]
    with transaction.atomic():
        create_with_history(objects, Holiday, user=user, reason=_("Imported from file"))
    report.created = len(objects)
    report.applied = True
