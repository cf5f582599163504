"""Importing leave data from CSV/XLSX: opening balances and allocations (ledger
entries) and holidays. The same promises as the employee import: every row is
checked before anything is written, every bad row is reported with its line and
column, one bad row writes nothing, and the writes are bulk (no query per row).

Reading the file (a stream, with the row cap), its header row, a row's cells
and the report are the kernel's (opsplatform/importing/, shared with the other
imports); here are the columns (``columns``), each file's checks and writes
(``balances``, ``holidays``) and the uploaded file held between the preview and
the confirmation (``held``). docs/leave.md says why
this is not django-import-export's per-row import.
"""

from __future__ import annotations

from typing import BinaryIO

from modules.leave.importing import balances, holidays
from modules.leave.importing.columns import ALIASES
from opsplatform.importing.report import ImportReport
from opsplatform.importing.table import open_table

# What each kind of file checks and writes.
KINDS = {"balances": balances, "holidays": holidays}


def import_leave_file(
    kind: str, file: BinaryIO, filename: str, *, user=None, dry_run: bool = False, key: str = ""
) -> ImportReport:
    """Check every row of ``file`` and, unless ``dry_run`` or a row is bad, write them
    all in one transaction. ``key`` makes the writes of one confirmation once-only."""
    steps = KINDS[kind]
    headers, rows = open_table(file, filename, steps.COLUMNS, aliases=ALIASES)
    report, checked = steps.check(headers, rows)
    if dry_run or not report.ok:
        return report
    steps.apply(checked, report, user=user, key=key)
    return report
