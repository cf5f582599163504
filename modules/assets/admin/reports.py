"""The asset reports for finance (permission assets.view_asset_reports): the
depreciation of a date range and the register valued at a date, each a page with
its dates and a CSV or XLSX download of the same figures. Mounted on the
ledger's admin (admin/ledger.py). Each is one aggregate query."""

from __future__ import annotations

from datetime import date

from django import forms
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from modules.assets import exports
from modules.assets.selectors.depreciation import depreciation_report, valuation
from opsplatform.admin.pages import AdminPage

PERMISSION = "assets.view_asset_reports"
# The page shows this many assets; the file has them all.
SHOWN = 200


class RangeForm(forms.Form):
    start = forms.DateField(label=_("From"))
    end = forms.DateField(label=_("To"))

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise forms.ValidationError(_("The range ends before it starts."))
        return data


class DayForm(forms.Form):
    on = forms.DateField(label=_("On"))


def _year_start(today: date) -> date:
    return today.replace(month=1, day=1)


class _ReportPage(AdminPage):
    permission_required = PERMISSION
    template_name = "assets/report.html"

    def get(self, request):
        form = self.form_class(request.GET or self.initial())
        if not form.is_valid():
            return self.render(form=form, tabs=self.tabs(), rows=None)
        rows, totals = self.figures(form.cleaned_data)
        file_format = request.GET.get("format")
        if file_format in exports.CONTENT_TYPES:
            return exports.file_response(
                self.dataset(rows, totals, form.cleaned_data),
                file_format,
                self.file_name(form.cleaned_data),
            )
        return self.render(
            form=form,
            tabs=self.tabs(),
            columns=self.columns,
            rows=[self.cells(row) for row in rows[:SHOWN]],
            totals=[totals[key] for key in self.total_keys],
            pad=len(self.columns) - len(self.total_keys) - 1,
            count=len(rows),
            shown=min(len(rows), SHOWN),
            query=request.GET.urlencode()
            or "&".join(f"{k}={v}" for k, v in self.initial().items()),
        )

    def tabs(self):
        return [
            (
                _("Depreciation"),
                "admin:assets_reports_depreciation",
                isinstance(self, DepreciationReportPage),
            ),
            (
                _("Register valued at a date"),
                "admin:assets_reports_valuation",
                isinstance(self, ValuationReportPage),
            ),
        ]


class DepreciationReportPage(_ReportPage):
    title = _("Depreciation report")
    form_class = RangeForm
    columns = [
        _("Asset"),
        _("Category"),
        _("Opening book value"),
        _("Additions"),
        _("Depreciation"),
        _("Revaluations"),
        _("Disposals"),
        _("Closing book value"),
    ]
    total_keys = ("opening", "additions", "depreciation", "revaluations", "disposals", "closing")

    def initial(self):
        today = timezone.localdate()
        return {"start": _year_start(today).isoformat(), "end": today.isoformat()}

    def figures(self, data):
        return depreciation_report(data["start"], data["end"])

    def cells(self, row):
        return [
            f"{row.tag} {row.name}",
            row.category,
            row.opening,
            row.additions,
            row.depreciation,
            row.revaluations,
            row.disposals,
            row.closing,
        ]

    def dataset(self, rows, totals, data):
        return exports.depreciation_dataset(rows, totals, data["start"], data["end"])

    def file_name(self, data):
        return f"depreciation-{data['start'].isoformat()}-{data['end'].isoformat()}"


class ValuationReportPage(_ReportPage):
    title = _("Register valued at a date")
    form_class = DayForm
    columns = [
        _("Asset"),
        _("Category"),
        _("Purchase date"),
        _("Cost"),
        _("Accumulated depreciation"),
        _("Book value"),
    ]
    total_keys = ("cost", "accumulated", "book_value")

    def initial(self):
        return {"on": timezone.localdate().isoformat()}

    def figures(self, data):
        return valuation(data["on"])

    def cells(self, row):
        return [
            f"{row.tag} {row.name}",
            row.category,
            row.purchase_date,
            row.cost,
            row.accumulated,
            row.book_value,
        ]

    def dataset(self, rows, totals, data):
        return exports.valuation_dataset(rows, totals, data["on"])

    def file_name(self, data):
        return f"asset-register-{data['on'].isoformat()}"


def report_urls(model_admin):
    wrap = model_admin.admin_site.admin_view
    return [
        path(
            "reports/depreciation/",
            wrap(DepreciationReportPage.as_view(model_admin=model_admin)),
            name="assets_reports_depreciation",
        ),
        path(
            "reports/valuation/",
            wrap(ValuationReportPage.as_view(model_admin=model_admin)),
            name="assets_reports_valuation",
        ),
    ]
