"""What every input of the product must be, whatever screen or file it came from.

One place for the limits, so that a form, an import and a service agree:

- bidirectional control characters are stripped from one-line texts (names,
  titles): in a list of people or requests they can reorder what a reader
  sees (``"Invoice \u202e fdp.exe"`` reads as ``"Invoice exe.pdf"``);
- dates fall in a plausible range: year 1 or 9999 is a typing slip that
  other code (ages, SLAs, time zones) cannot handle;
- long texts have a cap, so a 100,000-character comment is a form error and
  not a bloated page or row.
"""

from __future__ import annotations

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

# Embedding, override and isolate controls, and the invisible direction marks.
BIDI_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")

EARLIEST_DATE = datetime.date(1900, 1, 1)
LATEST_DATE = datetime.date(2100, 12, 31)

# Multi-line texts (descriptions, comments, notes) without a column limit of their own.
TEXT_MAX_LENGTH = 10_000


def strip_bidi(value):
    """``value`` without bidirectional control characters (anything not a str is returned as is)."""
    if isinstance(value, str):
        return BIDI_CONTROLS.sub("", value)
    return value


def validate_plausible_date(value) -> None:
    if value in (None, ""):
        return
    day = value.date() if isinstance(value, datetime.datetime) else value
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        raise ValidationError(
            _("Enter a date between %(earliest)s and %(latest)s."),
            code="implausible_date",
            params={
                "earliest": date_format(EARLIEST_DATE, "SHORT_DATE_FORMAT"),
                "latest": date_format(LATEST_DATE, "SHORT_DATE_FORMAT"),
            },
        )
