"""Bulk import of employees: read a CSV/XLSX file, check every row against the
company's data, then write all rows or none.

Why not django-import-export's per-row import (which departments and
positions do use): it saves and looks up foreign keys one row at a time, so
50,000 people with history take minutes and hold a transaction open the whole
time. Here the company's departments, positions, locations and people are
loaded once into dictionaries, every row is checked in memory (including
reporting loops across the whole file), and the writes are
``bulk_create_with_history`` / ``bulk_update_with_history`` in batches.
See bench/import_employees.py for the figures.
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import BinaryIO

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from simple_history.utils import bulk_update_with_history

from modules.employees.columns import ALIASES, COLUMN_NAMES, SALARY_COLUMNS
from modules.employees.import_files import CellProblem, ImportFileError, SourceRow, Table
from modules.employees.models import Department, Employee, Position, WorkLocation, WorkSchedule
from opsplatform.admin.resources import unescape_formula
from opsplatform.bulk import create_with_history
from opsplatform.tenancy.context import require_current_tenant
from opsplatform.validation import strip_bidi, validate_plausible_date
from tenants.models import CURRENCIES

logger = logging.getLogger(__name__)

BATCH_SIZE = 2000
MAX_REPORTED_ERRORS = 1000
CURRENCY_CODES = {code for code, _label in CURRENCIES}
TEXT_LIMITS = {
    f.name: f.max_length
    for f in Employee._meta.concrete_fields
    if getattr(f, "max_length", None) and f.get_internal_type() in {"CharField", "EmailField"}
}
EXCEL_EPOCH = date(1899, 12, 30)


__all__ = ["ImportFileError", "ImportReport", "import_employees", "open_table", "plan_import"]


@dataclass
class RowError:
    line: int  # as the person sees it in a spreadsheet: the header is line 1
    column: str
    message: str

    def as_dict(self) -> dict:
        return {"line": self.line, "column": self.column, "message": self.message}


@dataclass
class ImportReport:
    total: int = 0
    to_create: int = 0
    to_update: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0  # problems; a row may have several
    error_rows: int = 0  # rows with at least one problem
    created: int = 0
    updated: int = 0
    applied: bool = False

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    def add_error(self, line: int, column: str, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_REPORTED_ERRORS:
            self.errors.append(RowError(line, column, str(message)))

    def as_dict(self) -> dict:
        return {
            "total": self.total,
            "to_create": self.to_create,
            "to_update": self.to_update,
            "unchanged": self.unchanged,
            "error_count": self.error_count,
            "error_rows": self.error_rows,
            "errors": [e.as_dict() for e in self.errors],
            "created": self.created,
            "updated": self.updated,
            "applied": self.applied,
        }


# -- reading files ------------------------------------------------------------------


def open_table(file: BinaryIO, filename: str) -> tuple[list[str], Iterator[SourceRow]]:
    """Headers (normalised and checked) and the stream of rows of a CSV or XLSX file.

    The rows are read as the check asks for them: the file is never in memory
    whole, and a file past the row cap is refused when its row ``cap + 1`` is read.
    """
    table = Table(file, filename)
    headers = [normalise_header(h) for h in table.raw_headers]
    if "employee_number" not in headers:
        raise ImportFileError(
            _("The file has no employee_number column. Download the template to see the columns.")
        )
    duplicates = {h for h in headers if h and headers.count(h) > 1}
    if duplicates:
        raise ImportFileError(
            _("These columns appear twice: %(columns)s.")
            % {"columns": ", ".join(sorted(duplicates))}
        )
    unknown = [h for h in headers if h and h not in COLUMN_NAMES]
    if unknown:
        raise ImportFileError(
            _("Unknown columns: %(columns)s. Download the template to see the columns.")
            % {"columns": ", ".join(unknown)}
        )
    return headers, table.rows()


def normalise_header(header: object) -> str:
    text = re.sub(r"[\s\-]+", "_", str(header or "").strip().lower().lstrip("\ufeff"))
    return ALIASES.get(text, text)


# -- parsing cells ---------------------------------------------------------------


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    # Bidirectional controls could make a name read differently in every list.
    return strip_bidi(unescape_formula(str(value).strip()))


def parse_date(value) -> date | None:
    parsed = _parse_date(value)
    try:
        validate_plausible_date(parsed)
    except ValidationError as error:
        raise ValueError(" ".join(error.messages)) from None
    return parsed


def _parse_date(value) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) or re.fullmatch(r"\d{5}(\.\d+)?", str(value).strip()):
        serial = float(value)
        if 1 <= serial < 2958466:
            return EXCEL_EPOCH + timedelta(days=int(serial))
    text = str(value).strip()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y", "%Y/%m/%d", "%d-%m-%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(_("“%(value)s” is not a date (use YYYY-MM-DD).") % {"value": text})


def parse_decimal(value) -> Decimal | None:
    text = _text(value).replace(" ", "").replace("\u00a0", "")
    if not text:
        return None
    if text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")  # 42,50
    text = text.replace(",", "")  # 1,250.00

    def not_a_number():  # translated only when needed: this runs for every cell
        return _("“%(value)s” is not a number.") % {"value": _text(value)[:40]}

    try:
        number = Decimal(text)
    except InvalidOperation as error:
        raise ValueError(not_a_number()) from error
    if not number.is_finite():  # NaN, Infinity
        raise ValueError(not_a_number())
    if number < 0:
        raise ValueError(_("The amount cannot be negative."))
    try:
        return number.quantize(Decimal("0.01"))
    except InvalidOperation as error:  # more digits than any column holds
        raise ValueError(_("This number is too large.")) from error


def _choice(value, choices, column: str) -> str:
    text = _text(value)
    if not text:
        return ""
    # Codes and English labels; the labels of the active language too.
    lookup = {}
    for code, label in choices:
        lookup[str(code).lower()] = code
        lookup[str(label).lower()] = code
    code = lookup.get(text.lower().replace(" ", "_")) or lookup.get(text.lower())
    if code is None:
        allowed = ", ".join(str(c) for c, _label in choices)
        raise ValueError(
            _("“%(value)s” is not one of: %(allowed)s.") % {"value": text, "allowed": allowed}
        )
    return code


# -- checking rows ------------------------------------------------------------------


@dataclass
class _Lookups:
    departments: dict[str, int]
    positions: dict[str, int]
    locations: dict[str, int]
    schedules: dict[str, int]
    existing: dict[str, dict]  # lower(number) -> current values
    email_owner: dict[str, str]  # lower(email) -> lower(number)
    names: dict[str, list[str]]  # lower(full name) -> numbers
    manager_of: dict[int, int | None]  # pk -> manager pk (existing data)
    number_of_pk: dict[int, str]

    @classmethod
    def load(cls) -> _Lookups:
        departments: dict[str, int] = {}
        for pk, name, code in Department.objects.values_list("pk", "name", "code"):
            departments[name.lower()] = pk
            if code:
                departments.setdefault(code.lower(), pk)
        existing = {}
        email_owner = {}
        names: dict[str, list[str]] = {}
        manager_of = {}
        number_of_pk = {}
        for row in Employee.objects.values(*_STORED_FIELDS):
            key = row["employee_number"].lower()
            existing[key] = row
            if row["work_email"]:
                email_owner[row["work_email"].lower()] = key
            full = f"{row['first_name']} {row['last_name']}".strip().lower()
            names.setdefault(full, []).append(key)
            manager_of[row["id"]] = row["manager_id"]
            number_of_pk[row["id"]] = key
        return cls(
            departments=departments,
            positions={t.lower(): pk for pk, t in Position.objects.values_list("pk", "title")},
            locations={n.lower(): pk for pk, n in WorkLocation.objects.values_list("pk", "name")},
            schedules={n.lower(): pk for pk, n in WorkSchedule.objects.values_list("pk", "name")},
            existing=existing,
            email_owner=email_owner,
            names=names,
            manager_of=manager_of,
            number_of_pk=number_of_pk,
        )


_CHOICE_COLUMNS = (
    ("employment_type", Employee.EmploymentType.choices),
    ("status", Employee.Status.choices),
)
_FK_COLUMNS = {
    "department": ("department_id", "departments", _("No department “%(value)s” in this company.")),
    "position": ("position_id", "positions", _("No position “%(value)s” in this company.")),
    "location": ("location_id", "locations", _("No work location “%(value)s” in this company.")),
    "schedule": ("schedule_id", "schedules", _("No work schedule “%(value)s” in this company.")),
}
_PLAIN_TEXT = [
    "first_name",
    "last_name",
    "phone",
    "termination_reason",
    "emergency_contact_name",
    "emergency_contact_phone",
    "emergency_contact_relation",
]
_STORED_FIELDS = [
    "id",
    "employee_number",
    "first_name",
    "last_name",
    "work_email",
    "phone",
    "hire_date",
    "employment_type",
    "status",
    "end_date",
    "termination_reason",
    "department_id",
    "position_id",
    "location_id",
    "schedule_id",
    "manager_id",
    "hourly_cost_rate",
    "cost_currency",
    "salary",
    "salary_currency",
    "emergency_contact_name",
    "emergency_contact_phone",
    "emergency_contact_relation",
    # Not imported, but carried so that history rows of an update are complete.
    "membership_id",
    "photo",
    "photo_name",
    "created_at",
    "updated_at",
]


@dataclass(slots=True)
class _Row:
    line: int
    number: str  # "" when the row has none (it is then failed)
    values: dict  # model attribute -> value, only for columns present in the file
    manager_ref: str | None  # lower(number) of the manager, when the file names one
    manager_text: str = ""  # the manager as written, for messages
    failed: bool = False  # the row has at least one problem
    bad_columns: set | None = None  # the columns with a problem (None: none)
    changed: bool = False  # set when ``values`` was slimmed: some value differs from now


# What the checks across rows still need of a row once it has been checked alone.
_CROSS_ROW_VALUES = ("first_name", "last_name", "status", "manager_id")


def _slim(row: _Row, lookups: _Lookups) -> None:
    """Keep only what the checks across rows need: a check that writes nothing holds
    a few values per row, not every cell (the memory of a file at the row cap)."""
    current = lookups.existing.get(row.number.lower())
    if current is not None and not row.failed:
        row.changed = any(current.get(k) != v for k, v in row.values.items())
    row.values = {k: row.values[k] for k in _CROSS_ROW_VALUES if k in row.values}


def _check_row(line, cells, headers, lookups, report, may_set_salary) -> _Row:
    """Every column of the row, each problem reported: one row may have several."""
    raw = dict(zip(headers, cells, strict=False))
    raw.pop("", None)  # a column without a header holds nothing we import
    bad_columns: set[str] = set()

    def fail(column, message):
        bad_columns.add(column)
        report.add_error(line, column, message)

    # Cells the file could not give us (too long, a formula with no saved value):
    # reported on their column, and the column is then left out of the row.
    unreadable = [column for column, value in raw.items() if isinstance(value, CellProblem)]
    for column in unreadable:
        fail(column, raw.pop(column).message)
    number = _text(raw.get("employee_number"))
    if not number and "employee_number" not in unreadable:
        fail("employee_number", _("The employee number is missing."))
    if len(number) > TEXT_LIMITS["employee_number"]:
        fail(
            "employee_number",
            _("At most %(n)d characters.") % {"n": TEXT_LIMITS["employee_number"]},
        )
    values: dict = {}

    for column in _PLAIN_TEXT:
        if column in raw:
            text = _text(raw[column])
            if len(text) > TEXT_LIMITS[column]:
                fail(column, _("At most %(n)d characters.") % {"n": TEXT_LIMITS[column]})
            values[column] = text
    if "work_email" in raw:
        email = _text(raw["work_email"])  # kept as written; compared ignoring case
        if email:
            try:
                validate_email(email)
            except ValidationError:
                fail("work_email", _("“%(value)s” is not an email address.") % {"value": email})
        values["work_email"] = email
    for column in ("hire_date", "end_date"):
        if column in raw:
            try:
                values[column] = parse_date(raw[column])
            except ValueError as error:
                fail(column, str(error))
    if values.get("hire_date") is None and "hire_date" in values:
        del values["hire_date"]  # empty keeps the current (or today's) date
    for column, choices in _CHOICE_COLUMNS:
        if column in raw:
            try:
                code = _choice(raw[column], choices, column)
            except ValueError as error:
                fail(column, str(error))
            else:
                if code:
                    values[column] = code
    for column, (attribute, table, message) in _FK_COLUMNS.items():
        if column in raw:
            text = _text(raw[column])
            if not text:
                values[attribute] = None
                continue
            pk = getattr(lookups, table).get(text.lower())
            if pk is None:
                fail(column, message % {"value": text})
            values[attribute] = pk
    money_columns = ["hourly_cost_rate", "cost_currency"] + (
        ["salary", "salary_currency"] if may_set_salary else []
    )
    if not may_set_salary and any(_text(raw.get(c)) for c in SALARY_COLUMNS if c in raw):
        fail("salary", _("Only HR, finance and owners can import salaries."))
    for column in money_columns:
        if column not in raw:
            continue
        if column.endswith("currency"):
            code = _text(raw[column]).upper()
            if code and code not in CURRENCY_CODES:
                fail(column, _("“%(value)s” is not a currency we know.") % {"value": code})
            values[column] = code
        else:
            try:
                values[column] = parse_decimal(raw[column])
            except ValueError as error:
                fail(column, str(error))

    manager_ref = None
    manager_text = ""
    if "manager" in raw:
        manager_text = _text(raw["manager"])
        if manager_text:
            manager_ref = manager_text.lower()
        else:
            values["manager_id"] = None

    for attribute, value in values.items():
        if attribute.removesuffix("_id") not in bad_columns:
            _check_column_limits(attribute, value, fail)

    return _Row(
        line=line,
        number=number,
        values=values,
        manager_ref=manager_ref,
        manager_text=manager_text,
        bad_columns=bad_columns or None,
    )


def _check_column_limits(attribute: str, value, fail) -> None:
    """The model field's own validators (digits of a salary, length...), as a row error."""
    try:
        model_field = Employee._meta.get_field(attribute)
    except Exception:  # noqa: BLE001 - foreign keys are checked by lookup, by id
        return
    if model_field.is_relation or value in (None, ""):
        return
    try:
        model_field.run_validators(value)
    except ValidationError as error:
        fail(attribute, " ".join(error.messages))


def _resolve_managers(rows: list[_Row], lookups: _Lookups, fail, by_number: dict[str, _Row]):
    """Turn manager references into numbers, and check the final reporting lines for loops.

    ``rows`` are every row with a number, failed or not, so that a reference to
    a person whose own row failed says so (instead of "no such employee").
    """
    # Names as they will be after the import: the company's, updated by the file.
    names: dict[str, set[str]] = {k: set(v) for k, v in lookups.names.items()}
    for row in rows:
        key = row.number.lower()
        current = lookups.existing.get(key)
        if current is not None:
            old = f"{current['first_name']} {current['last_name']}".strip().lower()
            names.get(old, set()).discard(key)
        first = row.values.get("first_name", current["first_name"] if current else "")
        last = row.values.get("last_name", current["last_name"] if current else "")
        names.setdefault(f"{first} {last}".strip().lower(), set()).add(key)
    failed_before = {key for key, row in by_number.items() if row.failed}
    for row in rows:
        if row.manager_ref is None:
            continue
        ref = row.manager_ref
        if ref not in by_number and ref not in lookups.existing:
            by_name = sorted(names.get(ref, ()))
            if len(by_name) == 1:
                row.manager_ref = by_name[0]
            elif len(by_name) > 1:
                fail(
                    row,
                    "manager",
                    _("“%(value)s” matches several people; use the employee number.")
                    % {"value": row.manager_text},
                )
                row.manager_ref = None
                continue
            else:
                fail(
                    row,
                    "manager",
                    _("No employee “%(value)s” in this company or this file.")
                    % {"value": row.manager_text},
                )
                row.manager_ref = None
                continue
        if row.manager_ref == row.number.lower():
            fail(row, "manager", _("A person cannot be their own line manager."))
        elif row.manager_ref in failed_before and row.manager_ref not in lookups.existing:
            manager_row = by_number[row.manager_ref]
            fail(
                row,
                "manager",
                _(
                    "The manager “%(value)s” is new in this file, on line %(line)d, which has "
                    "errors: fix that row and this one is fine."
                )
                % {"value": row.manager_text, "line": manager_row.line},
            )

    # The reporting lines as they will be after the import, by employee number.
    manager_by_number: dict[str, str | None] = {
        number: lookups.number_of_pk.get(values["manager_id"]) if values["manager_id"] else None
        for number, values in lookups.existing.items()
    }
    for row in rows:
        if row.manager_ref is not None:
            manager_by_number[row.number.lower()] = row.manager_ref
        elif "manager_id" in row.values:
            manager_by_number[row.number.lower()] = None
    display = {key: row.number for key, row in by_number.items()}
    reported: set[str] = set()
    for start, start_row in by_number.items():
        path, seen = [], set()
        current = start
        while current is not None and current not in seen:
            seen.add(current)
            path.append(current)
            current = manager_by_number.get(current)
        if current is not None and current == start and start not in reported:
            loop = path + [start]
            reported.update(path)
            names = " → ".join(
                display.get(n, lookups.existing.get(n, {}).get("employee_number", n)) for n in loop
            )
            fail(start_row, "manager", _("Reporting loop: %(loop)s.") % {"loop": names})

    # Leaving by import: only once nobody active still reports to them.
    status_by_number = {n: v["status"] for n, v in lookups.existing.items()}
    for row in rows:
        if "status" in row.values:
            status_by_number[row.number.lower()] = row.values["status"]
    active_reports: dict[str, int] = {}
    for number, manager in manager_by_number.items():
        if manager is not None and status_by_number.get(number) != Employee.Status.TERMINATED:
            active_reports[manager] = active_reports.get(manager, 0) + 1
    for row in rows:
        key = row.number.lower()
        was = lookups.existing.get(key, {}).get("status")
        if (
            row.values.get("status") == Employee.Status.TERMINATED
            and was != Employee.Status.TERMINATED
            and active_reports.get(key)
        ):
            fail(
                row,
                "status",
                ngettext(
                    "%(number)s still has %(count)d active report: give them a new manager in "
                    "this file, or use Terminate on the employee page.",
                    "%(number)s still has %(count)d active reports: give them a new manager in "
                    "this file, or use Terminate on the employee page.",
                    active_reports[key],
                )
                % {"number": row.number, "count": active_reports[key]},
            )


def plan_import(
    headers: list[str],
    rows: Iterable[SourceRow],
    *,
    may_set_salary: bool,
    limit_check: Callable[[int], str | None] | None = None,
    on_row: Callable[[int], None] | None = None,
    keep_values: bool = True,
) -> tuple[ImportReport, list[_Row], _Lookups]:
    """Check every column of every row against the company and the rest of the file.

    Returns the report and the rows to write (every row when the report is ok).
    ``on_row(rows_read)`` is called after each row (the job's heartbeat). Without
    ``keep_values`` (a check only) the rows returned cannot be written.
    """
    report = ImportReport()
    lookups = _Lookups.load()
    checked: list[_Row] = []  # every row with a number, failed or not
    by_number: dict[str, _Row] = {}  # first row of each number
    seen_emails: dict[str, int] = {}

    def fail(row: _Row, column: str, message: str) -> None:
        row.failed = True
        report.add_error(row.line, column, message)

    for source in rows:
        line = source.line
        report.total += 1
        if on_row is not None:
            on_row(report.total)
        errors_before = report.error_count
        try:
            row = _check_row(line, source.cells, headers, lookups, report, may_set_salary)
        except Exception:
            # A cell this code did not foresee: a readable line in the report
            # for the person, the traceback in the log for us.
            logger.exception("employee import: unexpected error on line %d", line)
            report.add_error(line, "", _("Could not read row %(line)d.") % {"line": line})
            report.error_rows += 1
            continue
        row.failed = report.error_count > errors_before
        _check_against_file(row, lookups, by_number, seen_emails, fail)
        if not keep_values:
            _slim(row, lookups)
        if row.number:
            checked.append(row)
        if row.failed:
            report.error_rows += 1
    failed_rows = {id(row) for row in checked if row.failed}
    _resolve_managers(checked, lookups, fail, by_number)
    report.error_rows += sum(1 for row in checked if row.failed and id(row) not in failed_rows)

    good = [row for row in checked if not row.failed]
    new_count = sum(1 for row in good if row.number.lower() not in lookups.existing)
    if limit_check is not None and new_count:
        message = limit_check(new_count)
        if message:
            report.add_error(0, "", message)
    for row in good:
        current = lookups.existing.get(row.number.lower())
        if current is None:
            report.to_create += 1
        elif row.changed or _changes(row, current, lookups):
            report.to_update += 1
        else:
            report.unchanged += 1
    return report, good, lookups


def _check_against_file(row: _Row, lookups: _Lookups, by_number, seen_emails, fail) -> None:
    """What a row cannot be given the company and the rows above it."""
    key = row.number.lower()
    if key:
        if key in by_number:
            fail(
                row,
                "employee_number",
                _("Employee number %(number)s is also on line %(line)d.")
                % {"number": row.number, "line": by_number[key].line},
            )
        else:
            by_number[key] = row
    email = (row.values.get("work_email") or "").lower()
    if email:
        owner = lookups.email_owner.get(email)
        if email in seen_emails:
            fail(
                row,
                "work_email",
                _("%(email)s is also on line %(line)d.")
                % {"email": email, "line": seen_emails[email]},
            )
        elif owner is not None and owner != key:
            fail(
                row,
                "work_email",
                _("%(email)s belongs to employee %(number)s.")
                % {"email": email, "number": lookups.existing[owner]["employee_number"]},
            )
        else:
            seen_emails[email] = row.line
    # A column that has a problem of its own is not judged again with the others.
    bad = row.bad_columns or set()
    if key and key not in lookups.existing and not row.values.get("first_name"):
        if "first_name" not in bad:
            fail(row, "first_name", _("New people need a first name."))
    if bad & {"status", "end_date", "hire_date"}:
        return
    current = lookups.existing.get(key, {})
    status = row.values.get("status", current.get("status", Employee.Status.ACTIVE))
    end = row.values.get("end_date", current.get("end_date"))
    hire = row.values.get("hire_date", current.get("hire_date"))
    if status == Employee.Status.TERMINATED and end is None:
        fail(row, "end_date", _("A terminated employee needs an end date."))
    elif end and hire and end < hire:
        fail(row, "end_date", _("The end date cannot be before the hire date."))


def _changes(row: _Row, current: dict, lookups: _Lookups) -> dict:
    changes = {k: v for k, v in row.values.items() if current.get(k) != v}
    if row.manager_ref is not None:
        wanted = lookups.existing.get(row.manager_ref, {}).get("id")
        if wanted is None or current.get("manager_id") != wanted:
            changes["manager_id"] = wanted  # None: made in this file, set after creation
    return changes


# -- writing --------------------------------------------------------------------------


def apply_import(
    checked: list[_Row],
    lookups: _Lookups,
    report: ImportReport,
    *,
    user=None,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Write every checked row in one transaction. Only call with ``report.ok``."""
    if not report.ok:
        raise ValueError("refusing to apply an import with errors")
    tenant = require_current_tenant()
    reason = _("Imported from file")
    now = timezone.now()
    done = 0
    with transaction.atomic():
        pk_by_number = {number: values["id"] for number, values in lookups.existing.items()}
        new_rows = [r for r in checked if r.number.lower() not in lookups.existing]
        # Managers first: people are created level by level down the reporting
        # lines, so each new person's manager already has an id (one history row each).
        pending = {r.number.lower(): r for r in new_rows}
        while pending:
            level = [
                r for r in pending.values() if r.manager_ref is None or r.manager_ref not in pending
            ]
            objects = []
            for r in level:
                values = dict(r.values)
                if r.manager_ref is not None:
                    values["manager_id"] = pk_by_number[r.manager_ref]
                values.setdefault("hire_date", date.today())
                objects.append(Employee(tenant=tenant, employee_number=r.number, **values))
            created = create_with_history(objects, Employee, user=user, reason=reason)
            for obj in created:
                pk_by_number[obj.employee_number.lower()] = obj.pk
            for r in level:
                del pending[r.number.lower()]
            done += len(level)
            report.created += len(level)
            if progress:
                progress(done)

        updates: dict[tuple, list[Employee]] = {}
        for r in checked:
            current = lookups.existing.get(r.number.lower())
            if current is None:
                continue
            changes = _changes(r, current, lookups)
            if r.manager_ref is not None:
                changes["manager_id"] = pk_by_number[r.manager_ref]
                if changes["manager_id"] == current.get("manager_id"):
                    del changes["manager_id"]
            if not changes:
                continue
            obj = Employee(tenant=tenant, **{k: current[k] for k in _STORED_FIELDS})
            for name, value in changes.items():
                setattr(obj, name, value)
            obj.updated_at = now
            updates.setdefault(tuple(sorted([*changes, "updated_at"])), []).append(obj)
        for changed_fields, objects in updates.items():
            for start in range(0, len(objects), BATCH_SIZE):
                batch = objects[start : start + BATCH_SIZE]
                bulk_update_with_history(
                    batch,
                    Employee,
                    [f.removesuffix("_id") if f.endswith("_id") else f for f in changed_fields],
                    batch_size=BATCH_SIZE,
                    default_user=user,
                    default_change_reason=reason,
                )
                done += len(batch)
                report.updated += len(batch)
                if progress:
                    progress(done)
        _close_logins_of_leavers(checked, lookups)
    report.applied = True
    return report


def _close_logins_of_leavers(checked: list[_Row], lookups: _Lookups) -> None:
    """People the file terminates lose their login, as with the Terminate button."""
    from modules.employees.services import close_login

    leavers = [
        r.number.lower()
        for r in checked
        if r.values.get("status") == Employee.Status.TERMINATED
        and lookups.existing.get(r.number.lower(), {}).get("status") != Employee.Status.TERMINATED
    ]
    if not leavers:
        return
    for employee in Employee.objects.filter(
        employee_number__in=[
            lookups.existing[n]["employee_number"] for n in leavers if n in lookups.existing
        ],
        membership__isnull=False,
    ):
        close_login(employee)


def import_employees(
    source: bytes | BinaryIO,
    filename: str,
    *,
    may_set_salary: bool,
    user=None,
    dry_run: bool = False,
    limit_check=None,
    progress=None,
    on_row=None,
) -> ImportReport:
    """Read, check and (unless ``dry_run`` or any row is bad) write. All rows or none.

    ``source`` is the file's content or an open binary file, read as a stream.
    """
    file = io.BytesIO(source) if isinstance(source, bytes | bytearray) else source
    headers, rows = open_table(file, filename)
    report, checked, lookups = plan_import(
        headers,
        rows,
        may_set_salary=may_set_salary,
        limit_check=limit_check,
        on_row=on_row,
        keep_values=not dry_run,
    )
    if dry_run or not report.ok:
        return report
    return apply_import(checked, lookups, report, user=user, progress=progress)
