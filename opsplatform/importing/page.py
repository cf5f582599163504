"""The data pages of a module: import (upload, preview with every bad row, confirm:
all rows or none) and export, with their templates in the kernel.

A module subclasses :class:`ImportPage` naming its permission, title, file kinds
(the choices of the upload form), each kind's checks (anything with
``COLUMNS``), its :class:`~opsplatform.importing.held.HeldImports` and the URL name
of its empty templates; it mounts ``Page.as_view(model_admin=...)`` and
``Page.template_download`` from its ModelAdmin. The page refuses anyone without the
permission with a 403, GET or POST (``AdminPage``).
"""

from __future__ import annotations

import csv
import io
from typing import Any, ClassVar

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from unfold.widgets import UnfoldAdminFileFieldWidget, UnfoldAdminRadioSelectWidget

from opsplatform.admin.pages import AdminPage
from opsplatform.importing.files import max_rows
from opsplatform.importing.held import HeldImports
from opsplatform.refusals import Refused, show_refusal

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ImportUploadForm(forms.Form):
    """What the file holds (one of the page's kinds, the first chosen) and the file."""

    kind = forms.ChoiceField(
        label=gettext_lazy("What the file holds"), widget=UnfoldAdminRadioSelectWidget
    )
    file = forms.FileField(
        label=gettext_lazy("File (CSV or XLSX)"), widget=UnfoldAdminFileFieldWidget
    )

    def __init__(self, *args, kinds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = kinds
        self.fields["kind"].initial = kinds[0][0]


class ImportPage(AdminPage):
    template_name = "opsplatform/importing/data_import.html"
    file_kinds: ClassVar[list[tuple[str, Any]]]  # (code, label), in the page's order
    kinds: ClassVar[dict[str, Any]]  # code -> the kind's checks, with COLUMNS
    held_imports: ClassVar[HeldImports]
    template_url: ClassVar[str]  # URL name taking (kind, file_format)

    def upload_form(self, *args, **kwargs) -> ImportUploadForm:
        return ImportUploadForm(*args, kinds=self.file_kinds, **kwargs)

    def get(self, request):
        return self._page(self.upload_form())

    def post(self, request):
        if request.POST.get("action") == "confirm":
            return self._confirm(request)
        form = self.upload_form(request.POST, request.FILES)
        if not form.is_valid():
            return self._page(form)
        held = self.held_imports
        try:
            file = held.hold(
                form.cleaned_data["file"], kind=form.cleaned_data["kind"], user=request.user
            )
        except Refused as refusal:
            show_refusal(request, refusal, form=form)
            return self._page(form)
        return self._page(form, file=file, report=held.check_held(file, user=request.user))

    def _confirm(self, request):
        held = self.held_imports
        try:
            file = held.held(request.POST.get("token", ""), user=request.user)
            report = held.confirm_held(file, user=request.user)
        except Refused as refusal:
            show_refusal(request, refusal)
            return HttpResponseRedirect(request.path)
        if not report.applied:
            messages.error(request, _("Nothing was imported: the data changed since the check."))
            return self._page(self.upload_form(initial={"kind": file.kind}), report=report)
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
            kinds=[(code, label, self.kinds[code].COLUMNS) for code, label in self.file_kinds],
            template_url=self.template_url,
            max_rows=number_format(max_rows(), force_grouping=True),
        )

    @classmethod
    def template_download(cls, request, kind: str, file_format: str) -> HttpResponse:
        """An empty file with a kind's columns (and, in Excel, a sheet explaining them)."""
        if not request.user.has_perm(cls.permission_required):
            raise PermissionDenied
        steps = cls.kinds.get(kind)
        if steps is None or file_format not in ("csv", "xlsx"):
            raise Http404
        if file_format == "csv":
            content, content_type = _csv_template(steps.COLUMNS)
        else:
            content, content_type = _xlsx_template(kind, steps.COLUMNS)
        response = HttpResponse(content, content_type=content_type)
        name = f"{cls.held_imports.area}-{kind}-template.{file_format}"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


def _csv_template(columns) -> tuple[str, str]:
    buffer = io.StringIO()
    csv.writer(buffer).writerow([name for name, _required, _help in columns])
    return "\ufeff" + buffer.getvalue(), "text/csv; charset=utf-8"


def _xlsx_template(kind: str, columns) -> tuple[bytes, str]:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = kind
    sheet.append([name for name, _required, _help in columns])
    notes = workbook.create_sheet("columns")
    notes.append([_("Column"), _("What to put in it")])
    for name, _required, help_text in columns:
        notes.append([name, str(help_text)])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue(), XLSX_TYPE


class ExportPage(AdminPage):
    """A form of what to export; submitting it (a GET: a download changes nothing,
    like every list's export) answers the file. ``note`` is said under the form."""

    template_name = "opsplatform/importing/data_export.html"
    note: ClassVar[Any] = ""

    def get_form(self, data=None):
        raise NotImplementedError

    def download(self, **cleaned_data) -> HttpResponse:
        raise NotImplementedError

    def get(self, request):
        if "what" not in request.GET:
            return self.render(form=self.get_form(), note=self.note)
        form = self.get_form(request.GET)
        if not form.is_valid():
            return self.render(form=form, note=self.note)
        return self.download(**form.cleaned_data)
