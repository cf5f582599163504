"""A people file's header row, normalised and checked, and the stream of its rows."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import BinaryIO

from django.utils.translation import gettext as _

from modules.employees.columns import ALIASES, COLUMN_NAMES
from opsplatform.importing.files import ImportFileError, SourceRow, Table


def open_table(file: BinaryIO, filename: str) -> tuple[list[str], Iterator[SourceRow]]:
    """Headers (normalised and checked) and the stream of rows of a CSV or XLSX file.

    The rows are read as the check asks for them: the file is never in memory
    whole, and a file past the row cap is refused when its row ``cap + 1`` is read.
    """
    table = Table(file, filename)
    headers = [normalise_header(h) for h in table.raw_headers]
    if "employee_number" not in headers:
        raise ImportFileError(
            _("The file has no employee_number column. Download the template to see the columns.")
        )
    duplicates = {h for h in headers if h and headers.count(h) > 1}
    if duplicates:
        raise ImportFileError(
            _("These columns appear twice: %(columns)s.")
            % {"columns": ", ".join(sorted(duplicates))}
        )
    unknown = [h for h in headers if h and h not in COLUMN_NAMES]
    if unknown:
        raise ImportFileError(
            _("Unknown columns: %(columns)s. Download the template to see the columns.")
            % {"columns": ", ".join(unknown)}
        )
    return headers, table.rows()


def normalise_header(header: object) -> str:
    text = re.sub(r"[\s\-]+", "_", str(header or "").strip().lower().lstrip("\ufeff"))
    return ALIASES.get(text, text)
