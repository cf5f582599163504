"""Leave's exports through the kernel's export resources: every cell that a
spreadsheet would run as a formula (= + - @) is escaped, and empty stays empty.
Balances (one row per person and leave type), the ledger and requests.

Imports do not use these: they have their own bulk path (modules/leave/importing/,
docs/leave.md says why).
"""

from __future__ import annotations

from import_export import fields, resources, widgets

from modules.leave.models import LeaveRequest, LedgerEntry
from opsplatform.admin.resources import SafeExportMixin

NUMBER = widgets.DecimalWidget(coerce_to_string=False)
DAY = widgets.DateWidget(coerce_to_string=False)


def _field(attribute: str, column: str, widget=None) -> fields.Field:
    return fields.Field(attribute=attribute, column_name=column, widget=widget)


class BalanceResource(SafeExportMixin, resources.Resource):
    """Rows of ``selectors.exports.balance_rows`` (dicts)."""

    employee_number = _field("employee_number", "employee_number")
    first_name = _field("first_name", "first_name")
    last_name = _field("last_name", "last_name")
    department = _field("department", "department")
    leave_type = _field("type_code", "leave_type")
    leave_type_name = _field("type_name", "leave_type_name")
    unit = _field("unit", "unit")
    balance = _field("balance", "balance", NUMBER)
    taken = _field("taken", "taken_this_year", NUMBER)
    reserved = _field("reserved", "reserved", NUMBER)

    class Meta:
        export_order = (
            "employee_number",
            "first_name",
            "last_name",
            "department",
            "leave_type",
            "leave_type_name",
            "unit",
            "balance",
            "taken",
            "reserved",
        )


class LedgerResource(SafeExportMixin, resources.ModelResource):
    employee_number = _field("employee__employee_number", "employee_number")
    employee = _field("employee__full_name", "employee")
    leave_type = _field("leave_type__code", "leave_type")
    kind = _field("kind", "kind")
    kind_label = _field("get_kind_display", "kind_label")
    amount = _field("amount", "amount", NUMBER)
    effective_on = _field("effective_on", "effective_date", DAY)
    expires_on = _field("expires_on", "expires", DAY)
    request = _field("request__approval__reference", "request")
    reason = _field("reason", "reason")
    created_by = _field("created_by__email", "by")
    created_at = _field("created_at", "recorded")

    class Meta:
        model = LedgerEntry
        fields = (
            "id",
            "employee_number",
            "employee",
            "leave_type",
            "kind",
            "kind_label",
            "amount",
            "effective_on",
            "expires_on",
            "request",
            "reason",
            "created_by",
            "created_at",
        )
        export_order = fields


class LeaveRequestResource(SafeExportMixin, resources.ModelResource):
    reference = _field("approval__reference", "reference")
    status = _field("approval__get_status_display", "status")
    employee_number = _field("employee__employee_number", "employee_number")
    employee = _field("employee__full_name", "employee")
    department = _field("employee__department__name", "department")
    leave_type = _field("leave_type__code", "leave_type")
    start_date = _field("start_date", "from", DAY)
    end_date = _field("end_date", "until", DAY)
    start_part = _field("start_part", "first_day")
    end_part = _field("end_part", "last_day")
    hours = _field("hours", "hours", NUMBER)
    duration = _field("duration", "duration", NUMBER)
    reason = _field("reason", "reason")
    submitted_at = _field("approval__submitted_at", "submitted")
    cancelled_at = _field("cancelled_at", "cancelled")

    class Meta:
        model = LeaveRequest
        fields = (
            "reference",
            "status",
            "employee_number",
            "employee",
            "department",
            "leave_type",
            "start_date",
            "end_date",
            "start_part",
            "end_part",
            "hours",
            "duration",
            "reason",
            "submitted_at",
            "cancelled_at",
        )
        export_order = fields
