"""The kernel's import pieces, shared by the employee and leave imports."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest

from opsplatform.importing.cells import cell_text, parse_date, parse_decimal
from opsplatform.importing.files import ImportFileError, Table


def test_a_csv_is_read_as_a_stream_of_non_blank_rows():
    table = Table(io.BytesIO(b"a,b\r\n1,2\r\n,\r\n3,4\r\n"), "x.csv")
    assert table.raw_headers == ["a", "b"]
    assert [(row.line, row.cells) for row in table.rows()] == [(2, ["1", "2"]), (4, ["3", "4"])]


def test_past_the_cap_the_whole_file_is_refused():
    table = Table(io.BytesIO(b"a\n1\n2\n3\n"), "x.csv")
    with pytest.raises(ImportFileError, match="at most 2"):
        list(table.rows(cap=2))


def test_an_escaped_formula_is_read_back_as_its_text_and_never_evaluated():
    assert cell_text("'=SUM(A1)") == "=SUM(A1)"
    assert cell_text("=1+1") == "=1+1"


def test_amounts_are_signed_only_when_asked():
    assert parse_decimal("-2,5", signed=True) == Decimal("-2.50")
    with pytest.raises(ValueError, match="negative"):
        parse_decimal("-2")


def test_dates_in_the_accepted_forms():
    assert parse_date("2026-03-01") == parse_date("01/03/2026") == date(2026, 3, 1)
    with pytest.raises(ValueError, match="not a date"):
        parse_date("next week")


def test_headers_are_normalised_and_a_wrong_header_row_refuses_the_file():
    from opsplatform.importing.files import ImportFileError
    from opsplatform.importing.headers import checked_headers

    known, aliases = ["employee_number", "amount"], {"number": "employee_number"}
    assert checked_headers(
        ["\ufeff Number", "Amount"], known=known, required=known, aliases=aliases
    ) == ["employee_number", "amount"]
    for headers, message in [
        (["amount"], "lacks these columns: employee_number"),
        (["number", "employee_number", "amount"], "appear twice: employee_number"),
        (["number", "amount", "colour"], "Unknown columns: colour"),
    ]:
        with pytest.raises(ImportFileError, match=message):
            checked_headers(headers, known=known, required=known, aliases=aliases)
