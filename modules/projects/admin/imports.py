"""Importing tasks and time logs: upload, preview with every bad row, confirm (all or nothing).

Only the people who may start projects (``projects.import_project_data``) reach
these pages (a 403 for anyone else, GET or POST), and each row reaches only a
project they manage: any other project code reads as unknown (importing/lookups.py).
"""

from __future__ import annotations

import csv
import io

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from modules.projects.admin.data_forms import FILE_KINDS, ImportUploadForm
from modules.projects.importing import KINDS
from modules.projects.importing.held import check_held, confirm_held, held, hold
from opsplatform.admin.pages import AdminPage
from opsplatform.importing.files import max_rows
from opsplatform.refusals import Refused, show_refusal

PERMISSION = "projects.import_project_data"


class ProjectImportPage(AdminPage):
    permission_required = PERMISSION
    title = gettext_lazy("Import tasks and time")
    template_name = "projects/data_import.html"

    def get(self, request):
        return self._page(ImportUploadForm())

    def post(self, request):
        if request.POST.get("action") == "confirm":
            return self._confirm(request)
        form = ImportUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self._page(form)
        kind = form.cleaned_data["kind"]
        try:
            file = hold(form.cleaned_data["file"], kind=kind, user=request.user)
        except Refused as refusal:
            show_refusal(request, refusal, form=form)
            return self._page(form)
        return self._page(form, file=file, report=check_held(file, user=request.user))

    def _confirm(self, request):
        try:
            file = held(request.POST.get("token", ""), user=request.user)
            report = confirm_held(file, user=request.user)
        except Refused as refusal:
            show_refusal(request, refusal)
            return HttpResponseRedirect(request.path)
        if not report.applied:
            messages.error(request, _("Nothing was imported: the data changed since the check."))
            return self._page(ImportUploadForm(initial={"kind": file.kind}), report=report)
        messages.success(
            request,
            _("Imported %(count)s rows from %(file)s.")
            % {
                "count": number_format(report.created + report.updated, force_grouping=True),
                "file": file.filename,
            },
        )
        return HttpResponseRedirect(request.path)

    def _page(self, form, *, file=None, report=None):
        return self.render(
            form=form,
            file=file,
            report=report,
            kinds=[(code, label, KINDS[code].COLUMNS) for code, label in FILE_KINDS],
            max_rows=number_format(max_rows(), force_grouping=True),
        )


def import_template(request, kind: str, file_format: str):
    """An empty file with the import's columns (and, in Excel, a sheet explaining them)."""
    if not request.user.has_perm(PERMISSION):
        raise PermissionDenied
    steps = KINDS.get(kind)
    if steps is None:
        raise Http404
    names = [name for name, _required, _help in steps.COLUMNS]
    if file_format == "csv":
        buffer = io.StringIO()
        csv.writer(buffer).writerow(names)
        response = HttpResponse(
            "\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8"
        )
    elif file_format == "xlsx":
        from openpyxl import Workbook

        workbook = Workbook()
        sheet = workbook.active
        sheet.title = kind
        sheet.append(names)
        notes = workbook.create_sheet("columns")
        notes.append([_("Column"), _("What to put in it")])
        for name, _required, help_text in steps.COLUMNS:
            notes.append([name, str(help_text)])
        out = io.BytesIO()
        workbook.save(out)
        response = HttpResponse(
            out.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        raise Http404
    response["Content-Disposition"] = (
        f'attachment; filename="projects-{kind}-template.{file_format}"'
    )
    return response
