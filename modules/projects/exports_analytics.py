"""The analytics page's figures as a file: XLSX (one sheet per table) or CSV (the
same tables one after another, each under its title row).

Built from the same ``Analytics`` result as the page, so the range and the cost
rule are the page's: without cost the money columns are not in the file at all.
Text cells are formula-escaped (a task titled "=1+1" stays text).
"""

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


def _value(value):
    return "" if value is None else value


def summary(result) -> tablib.Dataset:
    data = tablib.Dataset(headers=[_("Figure"), _("Value")], title=_("Summary"))
    time, tasks = result.time, result.tasks
    rows = [
        (_("Project"), _text(result.project)),
        (_("From"), result.start.isoformat()),
        (_("To"), result.end.isoformat()),
        (_("Hours logged in the period"), time["hours"]),
        (_("Billable hours in the period"), time["billable_hours"]),
        (_("Hours logged over the project's life"), time["life_hours"]),
        (_("Budget (hours)"), _value(time["budget_hours"])),
        (_("Hours budget used, per cent"), _value(time["hours_used_pct"])),
    ]
    if result.with_cost:
        rows += [
            (_("Cost in the period"), time["cost"]),
            (_("Billable value in the period"), time["bill"]),
            (_("Margin in the period"), time["margin"]),
            (_("Margin in the period, per cent of the billable value"), _value(time["margin_pct"])),
            (_("Cost over the project's life"), time["life_cost"]),
            (_("Billable value over the project's life"), time["life_bill"]),
            (_("Margin over the project's life"), time["life_margin"]),
            (_("Budget (money)"), _value(time["budget_amount"])),
            (_("Money budget used, per cent"), _value(time["budget_used_pct"])),
        ]
    rows += [
        (_("Tasks completed in the period"), tasks["completed"]),
        (_("Tasks due in the period"), tasks["planned"]),
        (_("Tasks due in the period and done"), tasks["planned_done"]),
        (_("Tasks behind schedule"), result.behind_count),
    ]
    for row in rows:
        data.append(row)
    return data


def people(result) -> tablib.Dataset:
    headers = [_("Person"), _("Hours")]
    if result.with_cost:
        headers += [_("Cost"), _("Billable value")]
    data = tablib.Dataset(headers=headers, title=_("Hours per person"))
    for person in result.people:
        row = [_text(person["name"]), person["hours"]]
        if result.with_cost:
            row += [person["cost"], person["bill"]]
        data.append(row)
    return data


def series(result) -> tablib.Dataset:
    data = tablib.Dataset(
        headers=[_("Date"), _("Scope (hours)"), _("Completed (hours)"), _("Remaining (hours)")]
        + [_("Hours logged")],
        title=_("Burndown"),
    )
    for point in result.series["points"]:
        data.append(
            [
                point["date"].isoformat(),
                point["scope"],
                point["completed"],
                point["remaining"],
                point["logged"],
            ]
        )
    return data


def behind(result) -> tablib.Dataset:
    data = tablib.Dataset(
        headers=[_("Task"), _("Title"), _("Status"), _("Due"), _("Days overdue")]
        + [_("Blocked by")],
        title=_("Behind schedule"),
    )
    for item in result.behind:
        data.append(
            [
                item["reference"],
                _text(item["title"]),
                _text(item["column"]),
                item["due_date"].isoformat() if item["due_date"] else "",
                item["overdue_days"],
                ", ".join(blocker["reference"] for blocker in item["blockers"]),
            ]
        )
    return data


def datasets(result) -> list[tablib.Dataset]:
    return [summary(result), people(result), series(result), behind(result)]


def export_response(result, file_format: str) -> HttpResponse:
    file_format = file_format if file_format in CONTENT_TYPES else "xlsx"
    sheets = datasets(result)
    if file_format == "xlsx":
        content = tablib.Databook(sheets).export("xlsx")
    else:
        parts = []
        for sheet in sheets:
            parts.append(f"{sheet.title}\r\n{sheet.export('csv')}")
        content = "\r\n".join(parts).encode("utf-8-sig")
    response = HttpResponse(content, content_type=CONTENT_TYPES[file_format])
    name = f"{result.project.code}-analytics-{result.start.isoformat()}-{result.end.isoformat()}"
    response["Content-Disposition"] = f'attachment; filename="{name}.{file_format}"'
    return response
