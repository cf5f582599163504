"""Opening balances and allocations: each row becomes one ledger entry.

An opening balance is set once per person and leave type (its once-only key
is ``opening``); a correction is an adjustment, never a second opening. An
allocation adds to the balance; a confirmation writes its rows once (their
keys carry the confirmation's token). The ledger is append-only and has no
history table: the rows are bulk inserted, in batches, in one transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from modules.employees.models import Employee
from modules.leave.importing.columns import BALANCE_COLUMNS
from modules.leave.models import LeaveType, LedgerEntry, Unit
from opsplatform.importing.cells import parse_choice
from opsplatform.importing.files import SourceRow
from opsplatform.importing.report import ImportReport
from opsplatform.importing.rows import RowCheck, check_rows
from opsplatform.tenancy.context import require_current_tenant

COLUMNS = BALANCE_COLUMNS
BATCH_SIZE = 2000
OPENING_KEY = "opening"
KINDS = [
    (LedgerEntry.Kind.OPENING, LedgerEntry.Kind.OPENING.label),
    (LedgerEntry.Kind.ALLOCATION, LedgerEntry.Kind.ALLOCATION.label),
]
REASON_LIMIT = LedgerEntry._meta.get_field("reason").max_length


@dataclass(slots=True)
class Entry:
    line: int
    employee_id: int
    leave_type_id: int
    kind: str
    amount: Decimal
    effective_on: date
    reason: str


@dataclass
class Lookups:
    employees: dict[str, int]  # lower(number) -> pk
    types: dict[str, LeaveType]  # lower(code) -> type
    openings: set[tuple[int, int]]  # (employee, type) with an opening balance already

    @classmethod
    def load(cls) -> Lookups:
        return cls(
            employees={
                number.lower(): pk
                for pk, number in Employee.objects.values_list("pk", "employee_number")
            },
            types={t.code.lower(): t for t in LeaveType.objects.all()},
            openings=set(
                LedgerEntry.objects.filter(key=OPENING_KEY).values_list(
                    "employee_id", "leave_type_id"
                )
            ),
        )


def check(headers: list[str], rows: Iterable[SourceRow]) -> tuple[ImportReport, list[Entry]]:
    lookups = Lookups.load()
    opening_lines: dict[tuple[int, int], int] = {}
    return check_rows(headers, rows, lambda row: _check_row(row, lookups, opening_lines))


def _check_row(row: RowCheck, lookups: Lookups, opening_lines: dict) -> Entry | None:
    number = row.text("employee_number", required=True)
    employee_id = lookups.employees.get(number.lower()) if number else None
    if number and employee_id is None:
        row.fail(
            "employee_number", _("No employee “%(value)s” in this company.") % {"value": number}
        )
    code = row.text("leave_type", required=True)
    leave_type = lookups.types.get(code.lower()) if code else None
    if code and leave_type is None:
        row.fail("leave_type", _("No leave type with the code “%(value)s”.") % {"value": code})
    elif leave_type is not None and not leave_type.tracks_balance:
        row.fail(
            "leave_type",
            _("%(type)s does not track a balance.") % {"type": leave_type.name},
        )
        leave_type = None
    try:
        kind = parse_choice(row.cells.get("kind"), KINDS, "kind") or LedgerEntry.Kind.OPENING
    except ValueError as error:
        row.fail("kind", str(error))
        kind = None
    amount = _amount(row, leave_type, kind)
    effective_on = row.day("effective_date", required=True)
    reason = row.text("reason", limit=REASON_LIMIT)
    if row.failed:
        return None
    if kind == LedgerEntry.Kind.OPENING:
        pair = (employee_id, leave_type.pk)
        if pair in lookups.openings:
            row.fail(
                "employee_number",
                _(
                    "%(number)s already has an opening balance of %(type)s; "
                    "correct it with an adjustment."
                )
                % {"number": number, "type": leave_type.name},
            )
            return None
        if pair in opening_lines:
            row.fail(
                "employee_number",
                _("The opening balance of %(number)s and %(type)s is also on line %(line)d.")
                % {"number": number, "type": leave_type.name, "line": opening_lines[pair]},
            )
            return None
        opening_lines[pair] = row.line
    return Entry(
        line=row.line,
        employee_id=employee_id,
        leave_type_id=leave_type.pk,
        kind=kind,
        amount=amount,
        effective_on=effective_on,
        reason=reason or _("Imported from file"),
    )


def _amount(row: RowCheck, leave_type: LeaveType | None, kind: str | None) -> Decimal | None:
    amount = row.number("amount", required=True, signed=True)
    if amount is None:  # reported already
        return None
    if not amount:
        row.fail("amount", _("The amount cannot be zero."))
    elif amount < 0 and kind == LedgerEntry.Kind.ALLOCATION:
        row.fail(
            "amount",
            _("An allocation adds to the balance; take days away with a bulk adjustment."),
        )
    elif abs(amount) >= Decimal("10000000"):
        row.fail("amount", _("This number is too large."))
    elif leave_type is not None and leave_type.unit == Unit.HALF_DAYS and amount % Decimal("0.5"):
        row.fail("amount", _("%(type)s is counted in half days.") % {"type": leave_type.name})
    return amount


def apply(entries: list[Entry], report: ImportReport, *, user=None, key: str = "") -> None:
    """Write every checked entry in one transaction (only call with ``report.ok``)."""
    if not report.ok:
        raise ValueError("refusing to apply an import with errors")
    tenant = require_current_tenant()
    objects = [
        LedgerEntry(
            tenant=tenant,
            employee_id=e.employee_id,
            leave_type_id=e.leave_type_id,
            kind=e.kind,
            amount=e.amount,
            effective_on=e.effective_on,
            reason=e.reason,
            created_by=user,
            # Once-only: an opening per person and type; an allocation per confirmation and line.
            key=_key_of(e, key),
        )
        for e in entries
    ]
    with transaction.atomic():
        LedgerEntry.objects.bulk_create(objects, batch_size=BATCH_SIZE)
    report.created = len(objects)
    report.applied = True


def _key_of(entry: Entry, confirmation: str) -> str:
    """Once-only: an opening per person and type; an allocation per confirmation and line."""
    if entry.kind == LedgerEntry.Kind.OPENING:
        return OPENING_KEY
    return f"import:{confirmation}:{entry.line}" if confirmation else ""
