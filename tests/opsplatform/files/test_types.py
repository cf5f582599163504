"""A file's type is read from its content, never from its name or the browser's
content type (opsplatform/files/types.py)."""

from __future__ import annotations

import io
import zipfile

import pytest

from opsplatform.files import types as t
from tests.factories import SAMPLE_CONTENT

HTML = b"<!DOCTYPE html><html><body><script>alert(document.domain)</script></body></html>"


def detect(content: bytes, allowed):
    return t.detect(io.BytesIO(content), allowed)


@pytest.mark.parametrize("kind", [t.PDF, t.PNG, t.JPEG, t.GIF, t.WEBP, t.DOCX, t.XLSX, t.CSV])
def test_each_type_is_recognised_by_its_content(kind):
    assert detect(SAMPLE_CONTENT[kind](), t.DOCUMENTS + (t.CSV,)) is kind


def test_html_is_no_document_type_whatever_it_is_called():
    assert detect(HTML, t.DOCUMENTS + (t.CSV, t.TEXT)) is None


def test_svg_is_not_an_image_nor_text():
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    assert detect(svg, t.IMAGES + (t.TEXT, t.CSV)) is None


def test_a_zip_without_office_parts_is_not_a_workbook():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("index.html", HTML)
    assert detect(out.getvalue(), (t.XLSX, t.DOCX)) is None


def test_a_docx_is_not_accepted_where_only_workbooks_are():
    assert detect(SAMPLE_CONTENT[t.DOCX](), (t.XLSX, t.CSV)) is None


@pytest.mark.parametrize(
    "content",
    [
        b"name,note\nAda,<script>alert(1)</script>\n",
        b'<?xml version="1.0"?><a/>',
        b"name\x00,note\n",
        b"name,note\n<!-- comment -->\n",
    ],
)
def test_text_with_markup_or_nul_is_refused(content):
    assert detect(content, (t.CSV, t.TEXT)) is None


def test_csv_as_spreadsheets_save_it_is_accepted():
    assert detect("employee_number,name\nE-1,Ada\n".encode("utf-16"), (t.CSV,)) is t.CSV
    assert detect("employee_number,name\nE-1,علي\n".encode("cp1256"), (t.CSV,)) is t.CSV


def test_plain_text_must_be_utf8():
    assert detect("ملاحظة".encode(), (t.TEXT,)) is t.TEXT
    assert detect("ملاحظة".encode("cp1256"), (t.TEXT,)) is None


def test_detection_leaves_the_file_where_it_was():
    file = io.BytesIO(SAMPLE_CONTENT[t.PDF]())
    file.seek(3)
    t.detect(file, (t.PNG, t.PDF))
    assert file.tell() == 3
