"""The columns of each leave file, shared by the import, its template and the page."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

# (column header, required, what it holds)
BALANCE_COLUMNS = [
    ("employee_number", True, _("Required. The person's employee number.")),
    ("leave_type", True, _("Required. The leave type's code, e.g. annual.")),
    (
        "amount",
        True,
        _("Required. In the type's unit (days or hours), e.g. 12.5; not zero."),
    ),
    ("effective_date", True, _("Required. YYYY-MM-DD, DD/MM/YYYY or an Excel date.")),
    (
        "kind",
        False,
        _("opening (the default: once per person and type) or allocation (adds days)."),
    ),
    ("reason", False, _("Shown on the person's balance page.")),
]

HOLIDAY_COLUMNS = [
    ("calendar", True, _("Required. The name of an existing holiday calendar.")),
    ("date", True, _("Required. YYYY-MM-DD, DD/MM/YYYY or an Excel date.")),
    ("name", True, _("Required. e.g. New Year's Day.")),
    ("every_year", False, _("yes or no (the default): the same day every year.")),
    ("half_day", False, _("yes or no (the default).")),
]

# Headers people actually write, mapped to ours (compared lower-cased, spaces as _).
ALIASES = {
    "number": "employee_number",
    "employee_no": "employee_number",
    "emp_no": "employee_number",
    "employee_id": "employee_number",
    "type": "leave_type",
    "leave_type_code": "leave_type",
    "type_code": "leave_type",
    "days": "amount",
    "hours": "amount",
    "effective": "effective_date",
    "effective_on": "effective_date",
    "calendar_name": "calendar",
    "holiday": "name",
    "recurs_yearly": "every_year",
    "yearly": "every_year",
    "recurring": "every_year",
    "half": "half_day",
}
