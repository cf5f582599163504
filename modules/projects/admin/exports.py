"""Exporting tasks and time logs as CSV or XLSX, in the import's columns.

Anyone who works on projects exports (``projects.export_project_data``), and the
file holds what their screens show: the tasks of the projects they see, and
cost columns only for the projects whose cost they may see
(selectors/exports.py). The rows are written as they are read (CSV through the
csv module, XLSX through openpyxl's write-only sheet), not through a tablib
Dataset: half a million time logs fit in memory as a file, not as objects.
Every text cell is formula-escaped like the kernel's resources.
"""

from __future__ import annotations

import csv
import io

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from modules.projects.admin.data_forms import ExportForm
from modules.projects.selectors.exports import (
    TASK_HEADERS,
    task_rows,
    timelog_headers,
    timelog_rows,
)
from opsplatform.admin.resources import escape_formula
from opsplatform.importing.page import XLSX_TYPE, ExportPage


class ProjectExportPage(ExportPage):
    permission_required = "projects.export_project_data"
    title = gettext_lazy("Export tasks and time")
    note = gettext_lazy(
        "The file has the import's columns: edit it and import it back. "
        "Cost columns only for the projects whose cost you may see."
    )

    def get_form(self, data=None):
        # Per person: a project they cannot see is not one of the choices.
        return ExportForm(data, viewer=self.request.user)

    def download(self, **cleaned_data):
        return export_response(self.request.user, **cleaned_data)


def export_table(viewer, *, what: str, project=None, start=None, end=None):
    """(headers, rows) of one export."""
    if what == "tasks":
        return TASK_HEADERS, task_rows(viewer, project=project)
    return timelog_headers(viewer), timelog_rows(viewer, project=project, start=start, end=end)


def export_response(viewer, *, what: str, file_format: str, project=None, start=None, end=None):
    headers, rows = export_table(viewer, what=what, project=project, start=start, end=end)
    if file_format == "csv":
        data, content_type = write_csv(headers, rows), "text/csv; charset=utf-8"
    else:
        data, content_type = write_xlsx(what, headers, rows), XLSX_TYPE
    response = HttpResponse(data, content_type=content_type)
    stamp = timezone.localdate().isoformat()
    scope = f"-{project.code}" if project is not None else ""
    response["Content-Disposition"] = (
        f'attachment; filename="projects-{what}{scope}-{stamp}.{file_format}"'
    )
    return response


def _cell(value):
    if value is None:
        return ""
    return escape_formula(value)


def write_csv(headers, rows) -> bytes:
    buffer = io.StringIO()
    buffer.write("\ufeff")  # Excel reads the file as UTF-8 (Arabic names)
    writer = csv.writer(buffer)
    writer.writerow(headers)
    writer.writerows([_cell(v) for v in row] for row in rows)
    return buffer.getvalue().encode("utf-8")


def write_xlsx(title: str, headers, rows) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title)
    sheet.append(headers)
    for row in rows:
        # Numbers and dates stay numbers and dates; text is escaped.
        sheet.append([escape_formula(v) if isinstance(v, str) else v for v in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
