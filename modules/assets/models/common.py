"""Number formats the asset tables share."""

from decimal import Decimal

# Money in the company currency: up to 999,999,999,999.99.
MONEY = {"max_digits": 14, "decimal_places": 2}
# Meter readings and units of production (hours, kilometres, pages).
UNITS = {"max_digits": 14, "decimal_places": 2}
# A declining-balance rate, in percent a year (e.g. 40.00).
RATE = {"max_digits": 5, "decimal_places": 2}
ZERO = Decimal("0")
CENT = Decimal("0.01")
