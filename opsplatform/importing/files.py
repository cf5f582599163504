"""Reading an import file (people, leave balances, holidays ...) as a stream: CSV through a text wrapper over the stored
file, XLSX through openpyxl's read-only parser. Neither reads the file into
memory whole, both stop at a hard row cap, and a cell the file cannot give us
(longer than the cell limit, a formula Excel never calculated) reaches the
check as a :class:`CellProblem`, so that it is reported on its row and column
with every other problem, instead of failing the whole file.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from django.conf import settings
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

# The csv module's own field limit: one cell above it cannot be parsed, so it
# is the limit for XLSX cells too (one rule for both formats).
MAX_CELL_CHARS = 131_072
DEFAULT_MAX_ROWS = 200_000
# Past the cap the file is only counted, to tell the person how far over it is;
# this bounds that counting.
COUNT_PAST_CAP = 5
_SNIFF_BYTES = 64 * 1024


class ImportFileError(ValueError):
    """The file as a whole cannot be read (not a table, a required column missing...)."""


@dataclass(frozen=True)
class CellProblem:
    """A cell whose value cannot be used; the message is shown on its row and column."""

    message: str

    def __str__(self) -> str:
        return self.message


@dataclass
class SourceRow:
    line: int  # as the person sees it in a spreadsheet: the header is line 1
    cells: list


def max_rows() -> int:
    """The row cap of every import (a setting, so that a deployment or a test can lower it)."""
    return int(getattr(settings, "IMPORT_MAX_ROWS", DEFAULT_MAX_ROWS))


def too_many_rows(counted: int, cap: int) -> ImportFileError:
    return ImportFileError(
        _(
            "This file has at least %(count)s rows; one import takes at most %(cap)s. "
            "Split it into smaller files and import them one after another."
        )
        % {"count": f"{counted:,}", "cap": f"{cap:,}"}
    )


def is_excel(filename: str, head: bytes) -> bool:
    return filename.lower().endswith((".xlsx", ".xlsm")) or head[:2] == b"PK"


class Table:
    """Headers and a stream of non-blank rows of one CSV or XLSX file."""

    def __init__(self, file: BinaryIO, filename: str):
        self.file = file
        head = file.read(4)
        file.seek(0)
        name = filename.lower()
        if is_excel(name, head):
            self._rows = _xlsx_rows(file)
        elif name.endswith((".csv", ".txt")) or not name:
            self._rows = _csv_rows(file)
        else:
            raise ImportFileError(_("Upload a .csv or .xlsx file."))
        first = next(self._rows, None)
        if first is None:
            raise ImportFileError(_("The file is empty."))
        self.raw_headers = first.cells

    def rows(self, *, cap: int | None = None) -> Iterator[SourceRow]:
        """Every non-blank data row; past ``cap`` rows, :func:`too_many_rows` is raised."""
        cap = max_rows() if cap is None else cap
        count = 0
        for row in self._rows:
            if _blank(row.cells):
                continue
            count += 1
            if count > cap:
                raise too_many_rows(self._count_rest(count, cap), cap)
            yield row

    def count(self, *, stop_after: int) -> int:
        """How many non-blank data rows, counting no further than ``stop_after``."""
        count = 0
        for row in self._rows:
            if not _blank(row.cells):
                count += 1
                if count >= stop_after:
                    break
        return count

    def _count_rest(self, counted: int, cap: int) -> int:
        return counted + self.count(stop_after=cap * COUNT_PAST_CAP - counted)


def _blank(cells) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def count_rows(file: BinaryIO, filename: str, *, stop_after: int) -> int:
    """Data rows of a file, read as a stream and counted up to ``stop_after``
    (cheap: the inline-or-background choice only needs to know "more than N")."""
    try:
        head = file.read(4)
        file.seek(0)
        if is_excel(filename, head):
            return _count_xlsx_rows(file, stop_after=stop_after)
        return Table(file, filename).count(stop_after=stop_after)
    except Exception:  # the check refuses the file with its message
        logger.info("import: could not count the rows of %s", filename, exc_info=True)
        return 0
    finally:
        file.seek(0)


# -- CSV ---------------------------------------------------------------------------------


def _encoding(file: BinaryIO) -> str:
    """UTF-8 (with or without BOM), UTF-16 with a BOM, else Windows-1256 (what Excel
    on Arabic Windows saves). UTF-8 is confirmed over the whole file, as a stream."""
    head = file.read(4)
    file.seek(0)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        while chunk := file.read(_SNIFF_BYTES):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return "cp1256"
    finally:
        file.seek(0)
    return "utf-8-sig"


def _csv_rows(file: BinaryIO) -> Iterator[SourceRow]:
    encoding = _encoding(file)
    # newline="": the csv module sees \n, \r\n and a lone \r as they are, and
    # ends records on any of them (Excel for Mac still writes CR-only files).
    text = io.TextIOWrapper(file, encoding=encoding, errors="replace", newline="")
    first_line = text.readline()
    text.seek(0)
    counts = {d: first_line.count(d) for d in (",", ";", "\t")}
    delimiter = max(counts, key=counts.get) if max(counts.values()) else ","
    lines = _RecordLines(text)
    reader = csv.reader(lines, delimiter=delimiter)
    record = 0
    try:
        while True:
            lines.start_record()
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error:
                # A cell past the csv module's limit, or a damaged quote: read the
                # rest of this record ourselves and report it on its row.
                cells = _recover_record(lines, delimiter)
            record += 1
            if any(len(c) > MAX_CELL_CHARS for c in cells):
                cells = [_cell_too_long(c) if len(c) > MAX_CELL_CHARS else c for c in cells]
            yield SourceRow(record, cells)
    finally:
        # The wrapper would close the stored file when it is collected; the
        # caller owns the file (and may have closed it already).
        with contextlib.suppress(ValueError):
            text.detach()


class _RecordLines:
    """The lines of the text, keeping those of the record being read, so that a
    record the csv module refuses can be read again by :func:`_recover_record`."""

    def __init__(self, text):
        self.text = text
        self.pending: list[str] = []

    def start_record(self) -> None:
        self.pending = []

    def __iter__(self):
        return self

    def __next__(self) -> str:
        line = self.text.readline()
        if not line:
            raise StopIteration
        self.pending.append(line)
        return line


def _recover_record(lines: _RecordLines, delimiter: str) -> list:
    text = "".join(lines.pending)
    # Until the quotes balance the record goes on (a quoted cell may hold line breaks).
    while text.count('"') % 2:
        line = lines.text.readline()
        if not line:
            break
        text += line
    return _split_record(text, delimiter)


def _split_record(text: str, delimiter: str) -> list[str]:
    """One CSV record (RFC 4180: quotes, doubled quotes), without a length limit."""
    cells, cell, quoted, i = [], [], False, 0
    text = text.rstrip("\r\n")
    while i < len(text):
        char = text[i]
        if quoted:
            if char == '"' and text[i + 1 : i + 2] == '"':
                cell.append('"')
                i += 1
            elif char == '"':
                quoted = False
            else:
                cell.append(char)
        elif char == '"':
            quoted = True
        elif char == delimiter:
            cells.append("".join(cell))
            cell = []
        else:
            cell.append(char)
        i += 1
    cells.append("".join(cell))
    return cells


def _cell_too_long(value: str) -> CellProblem:
    return CellProblem(
        _("This cell has %(count)s characters; a cell holds at most %(limit)s.")
        % {"count": f"{len(value):,}", "limit": f"{MAX_CELL_CHARS:,}"}
    )


# -- XLSX --------------------------------------------------------------------------------


def _xlsx_rows(file: BinaryIO) -> Iterator[SourceRow]:
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    try:
        workbook = load_workbook(file, read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
    except Exception as error:  # any unreadable workbook
        raise ImportFileError(_("This is not a readable Excel file.")) from error
    try:
        for line, cells in _sheet_cells(sheet):
            values: list = []
            for cell in cells:
                column = cell["column"]
                while len(values) < column - 1:
                    values.append(None)
                value = cell["value"]
                if value is _NO_SAVED_VALUE:
                    value = CellProblem(
                        _(
                            "Cell %(cell)s is a formula with no saved value; open the file "
                            "in Excel and save it, or paste the values."
                        )
                        % {"cell": f"{get_column_letter(column)}{line}"}
                    )
                elif isinstance(value, str) and len(value) > MAX_CELL_CHARS:
                    value = _cell_too_long(value)
                values.append(value)
            yield SourceRow(line, values)
    finally:
        workbook.close()


_NO_SAVED_VALUE = object()


def _sheet_cells(sheet):
    """(row number, cells) of a read-only sheet, from openpyxl's own streaming parser.

    With ``data_only`` openpyxl gives a formula's saved value, and None when
    Excel never saved one, which would read as an empty cell (a blank salary).
    The parser below marks those cells instead.
    """
    from openpyxl.worksheet._reader import FORMULA_TAG, WorkSheetParser

    class SavedValueParser(WorkSheetParser):
        def parse_cell(self, element):
            cell = super().parse_cell(element)
            if cell["value"] is None and element.find(FORMULA_TAG) is not None:
                cell["value"] = _NO_SAVED_VALUE
            return cell

    workbook = sheet.parent
    with sheet._get_source() as source:
        parser = SavedValueParser(
            source,
            sheet._shared_strings,
            data_only=True,
            epoch=workbook.epoch,
            date_formats=workbook._date_formats,
            timedelta_formats=workbook._timedelta_formats,
        )
        yield from parser.parse()


def _count_xlsx_rows(file: BinaryIO, *, stop_after: int) -> int:
    """Rows with a value in the first sheet, from its XML alone: opening the workbook
    with openpyxl would first load every shared string of the file (seconds for a
    large one), and a count needs none of them. The header row is not counted."""
    import posixpath
    import zipfile
    from xml.etree.ElementTree import iterparse

    main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    relation = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    with zipfile.ZipFile(file) as archive:
        with archive.open("xl/workbook.xml") as workbook:
            first = next(e for _ev, e in iterparse(workbook) if e.tag == f"{main}sheet")
            sheet_id = first.get(relation)
        with archive.open("xl/_rels/workbook.xml.rels") as rels:
            target = next(e.get("Target") for _ev, e in iterparse(rels) if e.get("Id") == sheet_id)
        path = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
        count = -1  # the header
        with archive.open(posixpath.normpath(path)) as sheet:
            for _event, element in iterparse(sheet):
                if element.tag != f"{main}row":
                    continue
                if any(
                    cell.find(f"{main}v") is not None or cell.find(f"{main}is") is not None
                    for cell in element
                ):
                    count += 1
                    if count >= stop_after:
                        break
                element.clear()
    return max(count, 0)
