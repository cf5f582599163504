"""A leave file's header row, normalised and checked, and the stream of its rows."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import BinaryIO

from django.utils.translation import gettext as _

from modules.leave.importing.columns import ALIASES
from opsplatform.importing.files import ImportFileError, SourceRow, Table


def open_table(
    file: BinaryIO, filename: str, columns: list[tuple]
) -> tuple[list[str], Iterator[SourceRow]]:
    """Headers (normalised and checked against ``columns``) and the stream of rows.

    A required column missing, a column twice or an unknown column refuses the
    whole file: a typo in a header must not silently drop data.
    """
    table = Table(file, filename)
    headers = [normalise_header(h) for h in table.raw_headers]
    known = [name for name, _required, _help in columns]
    missing = [name for name, required, _help in columns if required and name not in headers]
    if missing:
        raise ImportFileError(
            _(
                "The file lacks these columns: %(columns)s. Download the template to see the columns."
            )
            % {"columns": ", ".join(missing)}
        )
    duplicates = {h for h in headers if h and headers.count(h) > 1}
    if duplicates:
        raise ImportFileError(
            _("These columns appear twice: %(columns)s.")
            % {"columns": ", ".join(sorted(duplicates))}
        )
    unknown = [h for h in headers if h and h not in known]
    if unknown:
        raise ImportFileError(
            _("Unknown columns: %(columns)s. Download the template to see the columns.")
            % {"columns": ", ".join(unknown)}
        )
    return headers, table.rows()


def normalise_header(header: object) -> str:
    text = re.sub(r"[\s\-]+", "_", str(header or "").strip().lower().lstrip("\ufeff"))
    return ALIASES.get(text, text)


def cells_of(source: SourceRow, headers: list[str]) -> dict:
    """{column: cell} of one row; a column without a header holds nothing we import."""
    raw = dict(zip(headers, source.cells, strict=False))
    raw.pop("", None)
    return raw
