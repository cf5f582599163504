"""The data pages (import, its templates, export), mounted on the project admin (see projects.py)."""

from __future__ import annotations

from django.urls import path


def urls(model_admin) -> list:
    from modules.projects.admin import exports, imports

    wrap = model_admin.admin_site.admin_view
    return [
        path(
            "data/import/",
            wrap(imports.ProjectImportPage.as_view(model_admin=model_admin)),
            name="projects_data_import",
        ),
        path(
            "data/import/template/<str:kind>/<str:file_format>/",
            wrap(imports.import_template),
            name="projects_data_import_template",
        ),
        path(
            "data/export/",
            wrap(exports.ProjectExportPage.as_view(model_admin=model_admin)),
            name="projects_data_export",
        ),
    ]
