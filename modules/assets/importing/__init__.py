"""Importing the register and assignments from CSV/XLSX, on the kernel's import
framework (opsplatform/importing/): every row is checked before anything is
written, every bad row is reported by line and column, one bad row writes
nothing, and the writes are bulk (``create_with_history``: no save per row).

``register`` adds assets (a tag, or the category's next one); ``assignments``
hands assets in stock to employees or departments, with the lifecycle event
each hand-out records by hand.
"""

from __future__ import annotations

from typing import BinaryIO

from modules.assets.importing import assignments, register
from modules.assets.importing.columns import ALIASES, ASSIGNMENT_ALIASES
from opsplatform.importing.report import ImportReport
from opsplatform.importing.table import open_table

KINDS = {"register": register, "assignments": assignments}
KIND_ALIASES = {"register": ALIASES, "assignments": ASSIGNMENT_ALIASES}


def import_assets_file(
    kind: str, file: BinaryIO, filename: str, *, user=None, dry_run: bool = False
) -> ImportReport:
    """Check every row of ``file`` and, unless ``dry_run`` or a row is bad, write
    them all in one transaction."""
    steps = KINDS[kind]
    headers, rows = open_table(file, filename, steps.columns(), aliases=KIND_ALIASES[kind])
    report, checked = steps.check(headers, rows)
    if dry_run or not report.ok:
        return report
    steps.apply(checked, report, user=user)
    return report
