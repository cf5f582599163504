"""A project file's header row, normalised and checked, and the stream of its rows."""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

from modules.projects.importing.columns import ALIASES
from opsplatform.importing.files import SourceRow, Table
from opsplatform.importing.headers import checked_headers


def open_table(
    file: BinaryIO, filename: str, columns: list[tuple]
) -> tuple[list[str], Iterator[SourceRow]]:
    """Headers (normalised and checked against ``columns``) and the stream of rows."""
    table = Table(file, filename)
    headers = checked_headers(
        table.raw_headers,
        known=[name for name, _required, _help in columns],
        required=[name for name, required, _help in columns if required],
        aliases=ALIASES,
    )
    return headers, table.rows()


def cells_of(source: SourceRow, headers: list[str]) -> dict:
    """{column: cell} of one row; a column without a header holds nothing we import."""
    raw = dict(zip(headers, source.cells, strict=False))
    raw.pop("", None)
    for name in headers:  # a short row: its missing cells are empty, not absent
        if name:
            raw.setdefault(name, None)
    return raw
