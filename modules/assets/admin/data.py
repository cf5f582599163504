"""Moving the register in: the import page (upload, preview with every bad row,
confirm: all rows or none), the kernel's (opsplatform/importing/page.py), for
whoever may import assets (``assets.import_assets``); anyone else gets a 403.
The register's export is the asset list's own (resources.py)."""

from __future__ import annotations

from django.urls import path
from django.utils.translation import gettext_lazy as _

from modules.assets.importing import KINDS
from modules.assets.importing.held import HELD
from opsplatform.importing.page import ImportPage

FILE_KINDS = [
    ("register", _("Assets (the register)")),
    ("assignments", _("Assignments (who holds what)")),
]


class AssetImportPage(ImportPage):
    permission_required = "assets.import_assets"
    title = _("Import assets")
    file_kinds = FILE_KINDS
    kinds = KINDS
    held_imports = HELD
    template_url = "admin:assets_import_template"


def data_urls(model_admin) -> list:
    wrap = model_admin.admin_site.admin_view
    return [
        path(
            "import/",
            wrap(AssetImportPage.as_view(model_admin=model_admin)),
            name="assets_import",
        ),
        path(
            "import/template/<str:kind>/<str:file_format>/",
            wrap(AssetImportPage.template_download),
            name="assets_import_template",
        ),
    ]
