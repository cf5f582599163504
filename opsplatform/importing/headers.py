"""A file's header row, normalised and checked against the columns an import knows.

A required column missing, a column twice or an unknown column refuses the whole
file: a typo in a header must not silently drop data.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.utils.translation import gettext as _

from opsplatform.importing.files import ImportFileError


def normalise_header(header: object, aliases: dict[str, str]) -> str:
    """``" Employee Number"`` -> ``employee_number`` (and an alias to its column)."""
    text = re.sub(r"[\s\-]+", "_", str(header or "").lstrip("\ufeff").strip().lower())
    return aliases.get(text, text)


def checked_headers(
    raw_headers: Iterable[object],
    *,
    known: Iterable[str],
    required: Iterable[str],
    aliases: dict[str, str],
) -> list[str]:
    """The normalised headers, or ``ImportFileError`` naming what is wrong."""
    headers = [normalise_header(h, aliases) for h in raw_headers]
    missing = [name for name in required if name not in headers]
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
    known = set(known)
    unknown = [h for h in headers if h and h not in known]
    if unknown:
        raise ImportFileError(
            _("Unknown columns: %(columns)s. Download the template to see the columns.")
            % {"columns": ", ".join(unknown)}
        )
    return headers
