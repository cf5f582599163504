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

The steps, one file each: ``table`` (the header row and the stream of rows),
``lookups`` (the company's data, loaded once),
``rows`` (one row checked alone), ``across_rows`` (what needs the whole file),
``plan`` (the check of a file: the report and the rows to write), ``apply``
(the writes). Reading the file, a cell to a value and the report are the
kernel's (opsplatform/importing/); the rules shared with employee_save are
validation.py.
"""

from __future__ import annotations

import io
from typing import BinaryIO

from modules.employees.importing.apply import apply_import
from modules.employees.importing.plan import plan_import
from modules.employees.importing.table import open_table
from opsplatform.importing.report import ImportReport


def import_employees(
    source: bytes | BinaryIO,
    filename: str,
    *,
    may_set_salary: bool,
    user=None,
    dry_run: bool = False,
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
        on_row=on_row,
        keep_values=not dry_run,
    )
    if dry_run or not report.ok:
        return report
    return apply_import(checked, lookups, report, user=user, progress=progress)
