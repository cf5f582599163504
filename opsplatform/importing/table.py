"""An import file's header row, normalised and checked against the import's columns,
and each row as ``{column: cell}``."""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

from opsplatform.importing.files import SourceRow, Table
from opsplatform.importing.headers import checked_headers


def open_table(
    file: BinaryIO, filename: str, columns: list[tuple], *, aliases: dict[str, str]
) -> tuple[list[str], Iterator[SourceRow]]:
    """Headers (normalised and checked against ``columns``, ``(name, required, help)``
    each) and the stream of rows."""
    table = Table(file, filename)
    headers = checked_headers(
        table.raw_headers,
        known=[name for name, _required, _help in columns],
        required=[name for name, required, _help in columns if required],
        aliases=aliases,
    )
    return headers, table.rows()


def cells_of(source: SourceRow, headers: list[str]) -> dict:
    """{column: cell} of one row; a column without a header holds nothing we import."""
    raw = dict(zip(headers, source.cells, strict=False))
    raw.pop("", None)
    # A short row (CSV, or XLSX with empty cells at its end): its missing cells are
    # empty, not absent, so that a required one is reported like any empty cell.
    for name in headers:
        if name:
            raw.setdefault(name, None)
    return raw
