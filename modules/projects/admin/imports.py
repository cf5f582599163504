"""Importing tasks and time logs: upload, preview with every bad row, confirm (all or nothing).

Only the people who may start projects (``projects.import_project_data``) reach
these pages (a 403 for anyone else, GET or POST), and each row reaches only a
project they manage: any other project code reads as unknown (importing/lookups.py).
The page and its template are the kernel's (opsplatform/importing/page.py).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from modules.projects.admin.data_forms import FILE_KINDS
from modules.projects.importing import KINDS
from modules.projects.importing.held import HELD
from opsplatform.importing.page import ImportPage


class ProjectImportPage(ImportPage):
    permission_required = "projects.import_project_data"
    title = gettext_lazy("Import tasks and time")
    file_kinds = FILE_KINDS
    kinds = KINDS
    held_imports = HELD
    template_url = "admin:projects_data_import_template"


import_template = ProjectImportPage.template_download
