"""Balances as people write them: 12.5 days, not 12.50 (and 3, not 3.00)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def amount(value, signed: str = ""):
    """A ledger amount in the active language's digits and separator; ``signed`` puts
    a "+" before positive amounts (a movement rather than a balance)."""
    try:
        number = Decimal(value).quantize(Decimal("0.01")).normalize()
    except (InvalidOperation, TypeError, ValueError):
        return value
    if number == number.to_integral():
        number = number.quantize(Decimal("1"))
    text = number_format(number)
    return f"+{text}" if signed and number > 0 else text
