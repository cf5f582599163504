"""Where the leave data pages live (import, export, bulk adjustment): mounted by
the leave types' admin, the set-up screen HR already uses (admin/setup.py)."""

from __future__ import annotations

from django.urls import path

from modules.leave.admin import adjust, exports, imports


def data_urls(model_admin) -> list:
    wrap = model_admin.admin_site.admin_view
    return [
        path(
            "data/import/",
            wrap(imports.LeaveImportPage.as_view(model_admin=model_admin)),
            name="leave_data_import",
        ),
        path(
            "data/import/template/<str:kind>/<str:file_format>/",
            wrap(imports.import_template),
            name="leave_data_import_template",
        ),
        path(
            "data/export/",
            wrap(exports.LeaveExportPage.as_view(model_admin=model_admin)),
            name="leave_data_export",
        ),
        path(
            "data/adjust/",
            wrap(adjust.BulkAdjustPage.as_view(model_admin=model_admin)),
            name="leave_bulk_adjust",
        ),
    ]
