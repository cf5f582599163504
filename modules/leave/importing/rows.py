"""What both leave files share when checking a row: its cells, each problem
reported on its line and column, and a column with a problem left out of the row."""

from __future__ import annotations

from django.utils.translation import gettext as _

from modules.leave.importing.table import cells_of
from opsplatform.importing.cells import cell_text
from opsplatform.importing.files import CellProblem, SourceRow
from opsplatform.importing.report import ImportReport

YES = {"yes", "y", "true", "1", "x"}
NO = {"no", "n", "false", "0", ""}


class RowCheck:
    """One source row being checked: ``fail`` reports a problem of a column."""

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

    def fail(self, column: str, message: str) -> None:
        self.failed = True
        self.report.add_error(self.line, column, message)

    def text(self, column: str, *, required: bool = False, limit: int = 0) -> str:
        value = cell_text(self.cells.get(column))
        if required and not value and column in self.cells:
            self.fail(column, _("This column is required."))
        elif required and column not in self.cells:
            pass  # unreadable: already reported
        if limit and len(value) > limit:
            self.fail(column, _("At most %(n)d characters.") % {"n": limit})
        return value

    def yes_no(self, column: str) -> bool:
        value = cell_text(self.cells.get(column)).lower()
        if value in YES or value == _("yes").lower():
            return True
        if value in NO or value == _("no").lower():
            return False
        self.fail(column, _("“%(value)s” is not yes or no.") % {"value": value[:40]})
        return False


def check_rows(headers, rows, check_row):
    """Every row through ``check_row(row)`` (which returns what the row would write,
    or None): the report of every bad row, and what the good rows would write."""
    from opsplatform.importing.report import ImportReport

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
