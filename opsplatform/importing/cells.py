"""One cell of an import file turned into a value: text, dates (ISO, day first or an
Excel serial), amounts (with a decimal comma too) and choices (by code or label).
A cell that cannot be read raises ValueError with the sentence for the person."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from opsplatform.admin.resources import unescape_formula
from opsplatform.validation import strip_bidi, validate_plausible_date

EXCEL_EPOCH = date(1899, 12, 30)


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    # Bidirectional controls could make a name read differently in every list.
    return strip_bidi(unescape_formula(str(value).strip()))


def parse_date(value) -> date | None:
    parsed = _parse_date(value)
    try:
        validate_plausible_date(parsed)
    except ValidationError as error:
        raise ValueError(" ".join(error.messages)) from None
    return parsed


def _parse_date(value) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) or re.fullmatch(r"\d{5}(\.\d+)?", str(value).strip()):
        serial = float(value)
        if 1 <= serial < 2958466:
            return EXCEL_EPOCH + timedelta(days=int(serial))
    text = str(value).strip()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y", "%Y/%m/%d", "%d-%m-%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(_("“%(value)s” is not a date (use YYYY-MM-DD).") % {"value": text})


def parse_decimal(value, *, signed: bool = False) -> Decimal | None:
    """A number in hundredths; negative only when ``signed`` (a balance adjustment)."""
    text = cell_text(value).replace(" ", "").replace("\u00a0", "")
    if not text:
        return None
    if text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")  # 42,50
    text = text.replace(",", "")  # 1,250.00

    def not_a_number():  # translated only when needed: this runs for every cell
        return _("“%(value)s” is not a number.") % {"value": cell_text(value)[:40]}

    try:
        number = Decimal(text)
    except InvalidOperation as error:
        raise ValueError(not_a_number()) from error
    if not number.is_finite():  # NaN, Infinity
        raise ValueError(not_a_number())
    if number < 0 and not signed:
        raise ValueError(_("The amount cannot be negative."))
    try:
        return number.quantize(Decimal("0.01"))
    except InvalidOperation as error:  # more digits than any column holds
        raise ValueError(_("This number is too large.")) from error


def parse_choice(value, choices, column: str) -> str:
    text = cell_text(value)
    if not text:
        return ""
    # Codes and English labels; the labels of the active language too.
    lookup = {}
    for code, label in choices:
        lookup[str(code).lower()] = code
        lookup[str(label).lower()] = code
    code = lookup.get(text.lower().replace(" ", "_")) or lookup.get(text.lower())
    if code is None:
        allowed = ", ".join(str(c) for c, _label in choices)
        raise ValueError(
            _("“%(value)s” is not one of: %(allowed)s.") % {"value": text, "allowed": allowed}
        )
    return code
