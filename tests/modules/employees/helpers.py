"""Small builders of people files for the import and export tests."""

from __future__ import annotations

import csv
import io


def csv_bytes(rows: list[dict], *, delimiter: str = ",", bom: bool = False) -> bytes:
    """A CSV file as a spreadsheet would save it, header from the first row's keys."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), delimiter=delimiter)
    writer.writeheader()
    writer.writerows(rows)
    text = buffer.getvalue()
    return (("\ufeff" + text) if bom else text).encode("utf-8")
