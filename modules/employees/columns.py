"""The columns of the employee file, shared by import, export and the template.

One list, so that an exported file can be edited and imported back as it is.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

# (column header, what it holds)
EMPLOYEE_COLUMNS: list[tuple[str, str]] = [
    ("employee_number", _("Required. Unique in the company; matches existing people.")),
    ("first_name", _("Required for new people.")),
    ("last_name", ""),
    ("work_email", ""),
    ("phone", ""),
    ("hire_date", _("YYYY-MM-DD, DD/MM/YYYY or an Excel date.")),
    ("employment_type", _("full_time, part_time, contractor, intern or temporary.")),
    ("status", _("active, on_leave, suspended or terminated.")),
    ("end_date", _("Needed when status is terminated.")),
    ("termination_reason", ""),
    ("department", _("Department name or code.")),
    ("position", _("Position title.")),
    ("location", _("Work location name.")),
    ("schedule", _("Work schedule name.")),
    ("manager", _("The manager's employee number (or unique full name).")),
    ("hourly_cost_rate", _("A number, e.g. 42.50.")),
    ("cost_currency", _("ISO code, e.g. USD.")),
    ("salary", _("A number. Only HR, finance and owners can import or see it.")),
    ("salary_currency", _("ISO code, e.g. USD.")),
    ("emergency_contact_name", ""),
    ("emergency_contact_phone", ""),
    ("emergency_contact_relation", ""),
]

COLUMN_NAMES = [name for name, _help in EMPLOYEE_COLUMNS]
SALARY_COLUMNS = {"salary", "salary_currency"}

# Headers people actually write, mapped to ours (compared lower-cased, spaces as _).
ALIASES = {
    "number": "employee_number",
    "employee_no": "employee_number",
    "emp_no": "employee_number",
    "employee_id": "employee_number",
    "email": "work_email",
    "first": "first_name",
    "given_name": "first_name",
    "last": "last_name",
    "surname": "last_name",
    "family_name": "last_name",
    "start_date": "hire_date",
    "type": "employment_type",
    "line_manager": "manager",
    "manager_number": "manager",
    "title": "position",
    "job_title": "position",
    "work_location": "location",
    "work_schedule": "schedule",
}
