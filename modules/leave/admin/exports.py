"""Exporting leave data: balances, the ledger and requests, as CSV or XLSX.

Only the people who run leave export (``leave.export_leave_data``), and they
see the whole company; managers see their team on the calendar and the request
list instead (docs/leave.md). Cells are formula-escaped by the kernel's resources.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy
from import_export.formats.base_formats import CSV, XLSX

from modules.leave.admin.data_forms import ExportForm
from modules.leave.resources import BalanceResource, LeaveRequestResource, LedgerResource
from modules.leave.selectors.exports import balance_rows, leave_requests, ledger_entries
from opsplatform.importing.page import ExportPage

FORMATS = {"csv": CSV(), "xlsx": XLSX()}


class LeaveExportPage(ExportPage):
    permission_required = "leave.export_leave_data"
    title = gettext_lazy("Export leave data")
    note = gettext_lazy(
        "Dates default to this year. Balances count the leave taken in the year of the end date."
    )

    def get_form(self, data=None):
        return ExportForm(data)

    def download(self, **cleaned_data):
        return export_response(self.request.user, **cleaned_data)


def export_dataset(viewer, *, what: str, start, end):
    if what == "balances":
        return BalanceResource(viewer=viewer).export(balance_rows(year=end.year))
    if what == "ledger":
        return LedgerResource(viewer=viewer).export(ledger_entries(start=start, end=end))
    return LeaveRequestResource(viewer=viewer).export(leave_requests(start=start, end=end))


def export_response(viewer, *, what: str, file_format: str, start, end) -> HttpResponse:
    file_type = FORMATS[file_format]
    data = file_type.export_data(export_dataset(viewer, what=what, start=start, end=end))
    response = HttpResponse(data, content_type=file_type.get_content_type())
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = (
        f'attachment; filename="leave-{what}-{stamp}.{file_type.get_extension()}"'
    )
    return response
