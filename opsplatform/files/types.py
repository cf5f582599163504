"""File types, recognised by their content.

A browser's content type and the file's name are the uploader's to choose, so
neither is read: each type looks at the bytes. The first type of a field's
allow-list that recognises the content wins, which is why the loose text types
come last in every list.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

HEAD_BYTES = 8192
# Text files are read whole to check their encoding; past this they are refused
# as text (no field allows a text file this large anyway).
TEXT_MAX_BYTES = 64 * 1024 * 1024

# Markup a browser would render or run if it ever treated the file as a page.
_MARKUP = re.compile(
    rb"<\s*(?:!doctype|html|head|body|script|svg|iframe|object|embed|meta|link|style|\?xml)"
    rb"|<!--",
    re.IGNORECASE,
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class FileType:
    code: str
    label: Promise | str
    extension: str
    content_type: str
    matches: Callable[[bytes, object], bool]
    inline: bool = False  # may a browser show it in the page (images)

    def __str__(self) -> str:
        return str(self.label)


def _read_all(file) -> bytes | None:
    file.seek(0)
    data = file.read(TEXT_MAX_BYTES + 1)
    file.seek(0)
    return None if len(data) > TEXT_MAX_BYTES else data


def _zip_with(*members: str) -> Callable[[bytes, object], bool]:
    """An Office Open XML package: a zip whose [Content_Types].xml names the part."""

    def matches(head: bytes, file) -> bool:
        if not head.startswith(b"PK\x03\x04"):
            return False
        file.seek(0)
        try:
            with zipfile.ZipFile(file) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError, ValueError):
            return False
        finally:
            file.seek(0)
        return "[Content_Types].xml" in names and any(m in names for m in members)

    return matches


def _looks_like_markup(text: str) -> bool:
    return bool(_MARKUP.search(text.encode("utf-8", "replace")))


def _plain_text(head: bytes, file) -> bool:
    """Valid UTF-8 with no NULs or other control characters, and nothing HTML, SVG or XML."""
    data = _read_all(file)
    if data is None:
        return False
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    return not _CONTROL.search(text) and not _looks_like_markup(text)


def _csv(head: bytes, file) -> bool:
    """Text as spreadsheets save it: UTF-8, UTF-16 with its byte-order mark, or
    Windows-1256 (Excel on Arabic Windows); no control characters, no markup."""
    data = _read_all(file)
    if data is None:
        return False
    text = None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            return False
    else:
        if b"\x00" in data:
            return False
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("cp1256", errors="replace")
    return not _CONTROL.search(text) and not _looks_like_markup(text)


PDF = FileType("pdf", "PDF", ".pdf", "application/pdf", lambda h, f: h.startswith(b"%PDF-"))
PNG = FileType(
    "png", "PNG", ".png", "image/png", lambda h, f: h.startswith(b"\x89PNG\r\n\x1a\n"), inline=True
)
JPEG = FileType(
    "jpeg", "JPEG", ".jpg", "image/jpeg", lambda h, f: h.startswith(b"\xff\xd8\xff"), inline=True
)
GIF = FileType(
    "gif", "GIF", ".gif", "image/gif", lambda h, f: h[:6] in (b"GIF87a", b"GIF89a"), inline=True
)
WEBP = FileType(
    "webp",
    "WebP",
    ".webp",
    "image/webp",
    lambda h, f: h[:4] == b"RIFF" and h[8:12] == b"WEBP",
    inline=True,
)
DOCX = FileType(
    "docx",
    _("Word document (.docx)"),
    ".docx",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    _zip_with("word/document.xml"),
)
XLSX = FileType(
    "xlsx",
    _("Excel workbook (.xlsx)"),
    ".xlsx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    _zip_with("xl/workbook.xml"),
)
CSV = FileType("csv", "CSV", ".csv", "text/csv", _csv)
TEXT = FileType("text", _("plain text"), ".txt", "text/plain", _plain_text)

IMAGES = (PNG, JPEG, GIF, WEBP)
DOCUMENTS = (PDF, *IMAGES, DOCX, XLSX)

BY_EXTENSION = {t.extension: t for t in (PDF, PNG, JPEG, GIF, WEBP, DOCX, XLSX, CSV, TEXT)}


def detect(file, allowed: tuple[FileType, ...]) -> FileType | None:
    """The first type in ``allowed`` that recognises ``file``'s content, or None."""
    position = file.tell() if hasattr(file, "tell") else 0
    try:
        file.seek(0)
        head = file.read(HEAD_BYTES)
        for kind in allowed:
            file.seek(0)
            if kind.matches(head, file):
                return kind
        return None
    finally:
        file.seek(position)
