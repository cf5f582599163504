"""A people file's header row, normalised and checked, and the stream of its rows."""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

from modules.employees.columns import ALIASES, COLUMN_NAMES
from opsplatform.importing.files import SourceRow, Table
from opsplatform.importing.headers import checked_headers


def open_table(file: BinaryIO, filename: str) -> tuple[list[str], Iterator[SourceRow]]:
    """Headers (normalised and checked) and the stream of rows of a CSV or XLSX file.

    The rows are read as the check asks for them: the file is never in memory
    whole, and a file past the row cap is refused when its row ``cap + 1`` is read.
    """
    table = Table(file, filename)
    headers = checked_headers(
        table.raw_headers, known=COLUMN_NAMES, required=["employee_number"], aliases=ALIASES
    )
    return headers, table.rows()
