"""Number formats the project tables share."""

from decimal import Decimal

from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

# Hours: up to 9,999,999.99 in hundredths (a project's budget, a task's estimate).
HOURS = {"max_digits": 9, "decimal_places": 2}
# Money in the company currency: up to 999,999,999,999.99.
MONEY = {"max_digits": 14, "decimal_places": 2}
# A rate per hour.
RATE = {"max_digits": 12, "decimal_places": 2}
ZERO = Decimal("0")
COLOUR = RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Give a colour as #RRGGBB."))
