"""Importing leave data: upload, preview with every bad row, confirm (all or nothing).

Only the people who run leave (``leave.import_leave_data``) reach these pages:
the page refuses anyone else with a 403, GET or POST. The page and its template
are the kernel's (opsplatform/importing/page.py).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from modules.leave.admin.data_forms import FILE_KINDS
from modules.leave.importing import KINDS
from modules.leave.importing.held import HELD
from opsplatform.importing.page import ImportPage


class LeaveImportPage(ImportPage):
    permission_required = "leave.import_leave_data"
    title = gettext_lazy("Import leave data")
    file_kinds = FILE_KINDS
    kinds = KINDS
    held_imports = HELD
    template_url = "admin:leave_data_import_template"


import_template = LeaveImportPage.template_download
