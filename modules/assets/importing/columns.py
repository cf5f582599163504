"""The columns of each assets file, shared by the import, its template and the page."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

# A column ``custom_<key>`` fills the category's custom field ``<key>`` (ram_gb).
CUSTOM_PREFIX = "custom_"

# (column header, required, what it holds)
REGISTER_COLUMNS = [
    ("tag", False, _("The asset tag; empty: the category's next tag (LAP-00012).")),
    ("name", True, _("Required. e.g. ThinkPad T14.")),
    ("serial_number", False, _("The maker's serial number.")),
    ("category", True, _("Required. The name of an existing asset category.")),
    ("supplier", False, _("The name of an existing supplier.")),
    ("purchase_date", True, _("Required. YYYY-MM-DD, DD/MM/YYYY or an Excel date.")),
    ("purchase_cost", True, _("Required. In the company's currency, e.g. 1450.00.")),
    ("salvage_value", False, _("What it is worth at the end of its life; not above the cost.")),
    ("warranty_end", False, _("YYYY-MM-DD, DD/MM/YYYY or an Excel date.")),
    ("location", False, _("The name of an existing work location.")),
]

ASSIGNMENT_COLUMNS = [
    ("asset_tag", True, _("Required. The tag of an asset in stock.")),
    ("employee_number", False, _("The holder's employee number; or fill department.")),
    ("department", False, _("The holding department's name; or fill employee_number.")),
    ("assigned_on", False, _("YYYY-MM-DD, DD/MM/YYYY or an Excel date; empty: today.")),
    ("expected_return", False, _("YYYY-MM-DD, DD/MM/YYYY or an Excel date.")),
    ("condition", False, _("The condition at handover.")),
]

ALIASES = {
    "asset_tag": "tag",
    "serial": "serial_number",
    "serial_no": "serial_number",
    "cost": "purchase_cost",
    "price": "purchase_cost",
    "purchased": "purchase_date",
    "purchased_on": "purchase_date",
    "salvage": "salvage_value",
    "warranty": "warranty_end",
    "warranty_ends": "warranty_end",
    "employee_no": "employee_number",
    "emp_no": "employee_number",
    "assigned": "assigned_on",
    "assigned_at": "assigned_on",
    "return_by": "expected_return",
}
# The assignments file names the asset by its tag under either header.
ASSIGNMENT_ALIASES = {"tag": "asset_tag", **{k: v for k, v in ALIASES.items() if k != "asset_tag"}}
