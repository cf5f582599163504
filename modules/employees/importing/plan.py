"""Checking a whole people file: each row alone, then across the file and the
company; the outcome is the report and the rows ready to write."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable

from django.utils.translation import gettext as _

from modules.employees.importing.across_rows import check_against_file, resolve_managers
from modules.employees.importing.lookups import Lookups
from modules.employees.importing.rows import Row, check_row, slim
from modules.employees.models import Employee
from opsplatform.billing.limits import refusal_for_new_rows
from opsplatform.importing.files import SourceRow
from opsplatform.importing.report import ImportReport
from opsplatform.tenancy.context import require_current_tenant

logger = logging.getLogger(__name__)


def plan_import(
    headers: list[str],
    rows: Iterable[SourceRow],
    *,
    may_set_salary: bool,
    on_row: Callable[[int], None] | None = None,
    keep_values: bool = True,
) -> tuple[ImportReport, list[Row], Lookups]:
    """Check every column of every row against the company and the rest of the file.

    Returns the report and the rows to write (every row when the report is ok).
    ``on_row(rows_read)`` is called after each row (the job's heartbeat). Without
    ``keep_values`` (a check only) the rows returned cannot be written.
    """
    report = ImportReport()
    lookups = Lookups.load()
    checked: list[Row] = []  # every row with a number, failed or not
    by_number: dict[str, Row] = {}  # first row of each number
    seen_emails: dict[str, int] = {}

    def fail(row: Row, column: str, message: str) -> None:
        row.failed = True
        report.add_error(row.line, column, message)

    for source in rows:
        line = source.line
        report.total += 1
        if on_row is not None:
            on_row(report.total)
        errors_before = report.error_count
        try:
            row = check_row(line, source.cells, headers, lookups, report, may_set_salary)
        except Exception:
            # A cell this code did not foresee: a readable line in the report
            # for the person, the traceback in the log for us.
            logger.exception("employee import: unexpected error on line %d", line)
            report.add_error(line, "", _("Could not read row %(line)d.") % {"line": line})
            report.error_rows += 1
            continue
        row.failed = report.error_count > errors_before
        check_against_file(row, lookups, by_number, seen_emails, fail)
        if not keep_values:
            slim(row, lookups)
        if row.number:
            checked.append(row)
        if row.failed:
            report.error_rows += 1
    failed_rows = {id(row) for row in checked if row.failed}
    resolve_managers(checked, lookups, fail, by_number)
    report.error_rows += sum(1 for row in checked if row.failed and id(row) not in failed_rows)

    good = [row for row in checked if not row.failed]
    for row in good:
        current = lookups.existing.get(row.number.lower())
        if current is None:
            report.to_create += 1
        elif row.changed or changes_of(row, current, lookups):
            report.to_update += 1
        else:
            report.unchanged += 1
    _check_plan_limits(good, lookups, report)
    return report, good, lookups


def _check_plan_limits(good: list[Row], lookups: Lookups, report: ImportReport) -> None:
    """The new people of the file, all together, within the plan's limit: a file
    that would pass it is refused whole, in the preview (docs/billing.md)."""
    new = [
        Employee(status=row.values.get("status") or Employee.Status.ACTIVE)
        for row in good
        if row.number.lower() not in lookups.existing
    ]
    refused = refusal_for_new_rows(require_current_tenant(), Employee, new)
    if refused is not None:
        # Line 1, the header: the file as a whole, not one of its rows.
        for message in refused.messages:
            report.add_error(1, "", message)


def changes_of(row: Row, current: dict, lookups: Lookups) -> dict:
    changes = {k: v for k, v in row.values.items() if current.get(k) != v}
    if row.manager_ref is not None:
        wanted = lookups.existing.get(row.manager_ref, {}).get("id")
        if wanted is None or current.get("manager_id") != wanted:
            changes["manager_id"] = wanted  # None: made in this file, set after creation
    return changes
