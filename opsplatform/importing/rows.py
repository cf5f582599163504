"""One row of an import file being checked: its cells read as text, dates, numbers,
lists or yes/no, each problem reported on its line and column, and a cell the file
could not give us (``CellProblem``) reported and left out of the row.

``check_rows`` takes every row through a module's own check and keeps what the
good rows would write.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from django.utils.translation import gettext as _

from opsplatform.importing.cells import cell_text, parse_date, parse_decimal
from opsplatform.importing.files import CellProblem, SourceRow
from opsplatform.importing.report import ImportReport
from opsplatform.importing.table import cells_of

YES = {"yes", "y", "true", "1", "x"}
NO = {"no", "n", "false", "0"}
SEPARATORS = re.compile(r"[;,\n]+")


class RowCheck:
    """One source row being checked: ``fail`` reports a problem of a column.

    A column is in ``cells`` when the file has it (a short row's missing cells are
    empty) and its cell could be read; ``has`` says so, which lets an update leave
    alone what the file does not carry.
    """

    def __init__(self, source: SourceRow, headers: list[str], report: ImportReport):
        self.line = source.line
        self.report = report
        self.failed = False
        self.cells = cells_of(source, headers)
        # Cells the file could not give us (too long, a formula with no saved value).
        for column, value in list(self.cells.items()):
            if isinstance(value, CellProblem):
                self.fail(column, value.message)
                del self.cells[column]

    def has(self, column: str) -> bool:
        return column in self.cells

    def fail(self, column: str, message: str) -> None:
        self.failed = True
        self.report.add_error(self.line, column, message)

    def text(self, column: str, *, required: bool = False, limit: int = 0) -> str:
        value = cell_text(self.cells.get(column))
        # An unreadable cell (not in ``cells``) has been reported already.
        if required and not value and column in self.cells:
            self.fail(column, _("This column is required."))
        if limit and len(value) > limit:
            self.fail(column, _("At most %(n)d characters.") % {"n": limit})
        return value

    def items(self, column: str) -> list[str]:
        """A cell of several values (names, numbers), in order, once each."""
        seen: dict[str, None] = {}
        for part in SEPARATORS.split(self.text(column)):
            if part.strip():
                seen.setdefault(part.strip(), None)
        return list(seen)

    def day(self, column: str, *, required: bool = False):
        return self._parsed(column, parse_date, required=required)

    def number(self, column: str, *, required: bool = False, signed: bool = False):
        """A number in hundredths; negative only when ``signed``."""
        return self._parsed(
            column, lambda value: parse_decimal(value, signed=signed), required=required
        )

    def _parsed(self, column: str, parse: Callable, *, required: bool):
        if column not in self.cells:
            return None
        try:
            value = parse(self.cells[column])
        except ValueError as error:
            self.fail(column, str(error))
            return None
        if value is None and required:
            self.fail(column, _("This column is required."))
        return value

    def yes_no(self, column: str, *, default: bool = False) -> bool:
        value = cell_text(self.cells.get(column)).lower()
        if not value:
            return default
        if value in YES or value == _("yes").lower():
            return True
        if value in NO or value == _("no").lower():
            return False
        self.fail(column, _("“%(value)s” is not yes or no.") % {"value": value[:40]})
        return default


def check_rows(
    headers: list[str], rows: Iterable[SourceRow], check_row: Callable[[RowCheck], object]
) -> tuple[ImportReport, list]:
    """Every row through ``check_row(row)`` (which returns what the row would write,
    or None): the report of every bad row, and what the good rows would write
    (counted as rows to add; an import that also updates says how many)."""
    report = ImportReport()
    kept = []
    for source in rows:
        report.total += 1
        row = RowCheck(source, headers, report)
        item = check_row(row)
        if row.failed:
            report.error_rows += 1
        elif item is not None:
            kept.append(item)
    report.to_create = len(kept)
    return report, kept
