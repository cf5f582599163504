"""Private user files: fields, content types, upload limits, access and serving.

Modules declare their file fields with ``PrivateFileField``/``PrivateImageField``;
the kernel stores, checks and serves them. See docs/files.md.
"""

from opsplatform.files.access import AnyMember, Permission, Related
from opsplatform.files.fields import MB, PrivateFileField, PrivateImageField, private_fields
from opsplatform.files.types import (
    CSV,
    DOCUMENTS,
    DOCX,
    GIF,
    IMAGES,
    JPEG,
    PDF,
    PNG,
    TEXT,
    WEBP,
    XLSX,
)
from opsplatform.files.uploads import accepts_uploads

__all__ = [
    "CSV",
    "DOCUMENTS",
    "DOCX",
    "GIF",
    "IMAGES",
    "JPEG",
    "MB",
    "PDF",
    "PNG",
    "TEXT",
    "WEBP",
    "XLSX",
    "AnyMember",
    "Permission",
    "PrivateFileField",
    "PrivateImageField",
    "Related",
    "accepts_uploads",
    "private_fields",
]
