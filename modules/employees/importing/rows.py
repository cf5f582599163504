"""One row of a people file checked on its own: every column parsed and judged
against the company's lookups, each problem reported on its line and column."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from modules.employees.columns import SALARY_COLUMNS
from modules.employees.importing.lookups import Lookups
from modules.employees.models import Employee
from opsplatform.importing.cells import cell_text, parse_choice, parse_date, parse_decimal
from opsplatform.importing.files import CellProblem
from tenants.models import CURRENCIES

CURRENCY_CODES = {code for code, _label in CURRENCIES}
TEXT_LIMITS = {
    f.name: f.max_length
    for f in Employee._meta.concrete_fields
    if getattr(f, "max_length", None) and f.get_internal_type() in {"CharField", "EmailField"}
}
CHOICE_COLUMNS = (
    ("employment_type", Employee.EmploymentType.choices),
    ("status", Employee.Status.choices),
)
FK_COLUMNS = {
    "department": (
        "department_id",
        "departments",
        gettext_lazy("No department “%(value)s” in this company."),
    ),
    "position": (
        "position_id",
        "positions",
        gettext_lazy("No position “%(value)s” in this company."),
    ),
    "location": (
        "location_id",
        "locations",
        gettext_lazy("No work location “%(value)s” in this company."),
    ),
    "schedule": (
        "schedule_id",
        "schedules",
        gettext_lazy("No work schedule “%(value)s” in this company."),
    ),
}
PLAIN_TEXT = [
    "first_name",
    "last_name",
    "phone",
    "termination_reason",
    "emergency_contact_name",
    "emergency_contact_phone",
    "emergency_contact_relation",
]


@dataclass(slots=True)
class Row:
    line: int
    number: str  # "" when the row has none (it is then failed)
    values: dict  # model attribute -> value, only for columns present in the file
    manager_ref: str | None  # lower(number) of the manager, when the file names one
    manager_text: str = ""  # the manager as written, for messages
    failed: bool = False  # the row has at least one problem
    bad_columns: set | None = None  # the columns with a problem (None: none)
    changed: bool = False  # set when ``values`` was slimmed: some value differs from now


# What the checks across rows still need of a row once it has been checked alone.
CROSS_ROW_VALUES = ("first_name", "last_name", "status", "manager_id")


def slim(row: Row, lookups: Lookups) -> None:
    """Keep only what the checks across rows need: a check that writes nothing holds
    a few values per row, not every cell (the memory of a file at the row cap)."""
    current = lookups.existing.get(row.number.lower())
    if current is not None and not row.failed:
        row.changed = any(current.get(k) != v for k, v in row.values.items())
    row.values = {k: row.values[k] for k in CROSS_ROW_VALUES if k in row.values}


def check_row(line, cells, headers, lookups, report, may_set_salary) -> Row:
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
    number = cell_text(raw.get("employee_number"))
    if not number and "employee_number" not in unreadable:
        fail("employee_number", _("The employee number is missing."))
    if len(number) > TEXT_LIMITS["employee_number"]:
        fail(
            "employee_number",
            _("At most %(n)d characters.") % {"n": TEXT_LIMITS["employee_number"]},
        )
    values: dict = {}

    for column in PLAIN_TEXT:
        if column in raw:
            text = cell_text(raw[column])
            if len(text) > TEXT_LIMITS[column]:
                fail(column, _("At most %(n)d characters.") % {"n": TEXT_LIMITS[column]})
            values[column] = text
    if "work_email" in raw:
        email = cell_text(raw["work_email"])  # kept as written; compared ignoring case
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
    for column, choices in CHOICE_COLUMNS:
        if column in raw:
            try:
                code = parse_choice(raw[column], choices, column)
            except ValueError as error:
                fail(column, str(error))
            else:
                if code:
                    values[column] = code
    for column, (attribute, table, message) in FK_COLUMNS.items():
        if column in raw:
            text = cell_text(raw[column])
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
    if not may_set_salary and any(cell_text(raw.get(c)) for c in SALARY_COLUMNS if c in raw):
        fail("salary", _("Only HR, finance and owners can import salaries."))
    for column in money_columns:
        if column not in raw:
            continue
        if column.endswith("currency"):
            code = cell_text(raw[column]).upper()
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
        manager_text = cell_text(raw["manager"])
        if manager_text:
            manager_ref = manager_text.lower()
        else:
            values["manager_id"] = None

    for attribute, value in values.items():
        if attribute.removesuffix("_id") not in bad_columns:
            _check_column_limits(attribute, value, fail)

    return Row(
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
    except FieldDoesNotExist:  # foreign keys are checked by lookup, by id
        return
    if model_field.is_relation or value in (None, ""):
        return
    try:
        model_field.run_validators(value)
    except ValidationError as error:
        fail(attribute, " ".join(error.messages))
