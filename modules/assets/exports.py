"""The asset reports as files for the accountant: CSV or XLSX, the same rows and
totals as the pages (selectors/depreciation.py). Text cells are formula-escaped."""

from __future__ import annotations

import tablib
from django.http import HttpResponse
from django.utils.translation import gettext as _

from opsplatform.admin.resources import escape_formula

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _text(value) -> str:
    return "" if value is None else escape_formula(str(value))


def depreciation_dataset(rows, totals, start, end) -> tablib.Dataset:
    data = tablib.Dataset(
        headers=[
            _("Asset tag"),
            _("Name"),
            _("Category"),
            _("Opening book value"),
            _("Additions"),
            _("Depreciation"),
            _("Revaluations"),
            _("Disposals"),
            _("Closing book value"),
        ],
        title=_("Depreciation %(start)s to %(end)s")
        % {"start": start.isoformat(), "end": end.isoformat()},
    )
    for row in rows:
        data.append(
            [
                _text(row.tag),
                _text(row.name),
                _text(row.category),
                row.opening,
                row.additions,
                row.depreciation,
                row.revaluations,
                row.disposals,
                row.closing,
            ]
        )
    data.append(
        [_("Total"), "", "", *(totals[key] for key in ("opening", "additions", "depreciation"))]
        + [totals["revaluations"], totals["disposals"], totals["closing"]]
    )
    return data


def valuation_dataset(rows, totals, on) -> tablib.Dataset:
    data = tablib.Dataset(
        headers=[
            _("Asset tag"),
            _("Name"),
            _("Category"),
            _("Purchase date"),
            _("Cost"),
            _("Accumulated depreciation"),
            _("Book value"),
        ],
        title=_("Register on %(day)s") % {"day": on.isoformat()},
    )
    for row in rows:
        data.append(
            [
                _text(row.tag),
                _text(row.name),
                _text(row.category),
                row.purchase_date.isoformat(),
                row.cost,
                row.accumulated,
                row.book_value,
            ]
        )
    data.append(
        [_("Total"), "", "", "", totals["cost"], totals["accumulated"], totals["book_value"]]
    )
    return data


def file_response(dataset: tablib.Dataset, file_format: str, name: str) -> HttpResponse:
    file_format = file_format if file_format in CONTENT_TYPES else "xlsx"
    if file_format == "xlsx":
        content = dataset.export("xlsx")
    else:
        content = dataset.export("csv").encode("utf-8-sig")
    response = HttpResponse(content, content_type=CONTENT_TYPES[file_format])
    response["Content-Disposition"] = f'attachment; filename="{name}.{file_format}"'
    return response
