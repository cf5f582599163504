"""The checks of a people file that need more than one row: numbers and emails
given twice, managers named by number or name (and made in the same file),
reporting loops across the file and the company, leavers who still have
reports. The rules themselves, shared with employee_save, are in
modules/employees/validation.py; here they run on in-memory lookups.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from modules.employees.importing.lookups import Lookups
from modules.employees.importing.rows import Row
from modules.employees.models import Employee
from modules.employees.validation import (
    check_dates,
    check_not_own_manager,
    check_work_email_free,
    loop_message,
    reporting_loop,
)
from opsplatform.refusals import Refused


def report_refusal(fail, row: Row, refusal: Refused) -> None:
    """A shared rule's refusal as problems of the row, on the columns it names."""
    for column, messages in refusal.message_dict.items():
        for message in messages:
            fail(row, column, message)


def check_against_file(row: Row, lookups: Lookups, by_number, seen_emails, fail) -> None:
    """What a row cannot be given the company and the rows above it."""
    key = row.number.lower()
    if key:
        if key in by_number:
            fail(
                row,
                "employee_number",
                _("Employee number %(number)s is also on line %(line)d.")
                % {"number": row.number, "line": by_number[key].line},
            )
        else:
            by_number[key] = row
    email = (row.values.get("work_email") or "").lower()
    if email:
        owner = lookups.email_owner.get(email)
        if email in seen_emails:
            fail(
                row,
                "work_email",
                _("%(email)s is also on line %(line)d.")
                % {"email": email, "line": seen_emails[email]},
            )
        else:
            number = lookups.existing[owner]["employee_number"] if owner is not None else ""
            try:
                check_work_email_free(email, owner=owner, person=key, owner_number=number)
            except Refused as refusal:
                report_refusal(fail, row, refusal)
            else:
                seen_emails[email] = row.line
    # A column that has a problem of its own is not judged again with the others.
    bad = row.bad_columns or set()
    if key and key not in lookups.existing and not row.values.get("first_name"):
        if "first_name" not in bad:
            fail(row, "first_name", _("New people need a first name."))
    if bad & {"status", "end_date", "hire_date"}:
        return
    current = lookups.existing.get(key, {})
    status = row.values.get("status", current.get("status", Employee.Status.ACTIVE))
    end = row.values.get("end_date", current.get("end_date"))
    hire = row.values.get("hire_date", current.get("hire_date"))
    try:
        check_dates(status=status, hire_date=hire, end_date=end)
    except Refused as refusal:
        report_refusal(fail, row, refusal)


def resolve_managers(rows: list[Row], lookups: Lookups, fail, by_number: dict[str, Row]):
    """Turn manager references into numbers, and check the final reporting lines for loops.

    ``rows`` are every row with a number, failed or not, so that a reference to
    a person whose own row failed says so (instead of "no such employee").
    """
    # Names as they will be after the import: the company's, updated by the file.
    names: dict[str, set[str]] = {k: set(v) for k, v in lookups.names.items()}
    for row in rows:
        key = row.number.lower()
        current = lookups.existing.get(key)
        if current is not None:
            old = f"{current['first_name']} {current['last_name']}".strip().lower()
            names.get(old, set()).discard(key)
        first = row.values.get("first_name", current["first_name"] if current else "")
        last = row.values.get("last_name", current["last_name"] if current else "")
        names.setdefault(f"{first} {last}".strip().lower(), set()).add(key)
    failed_before = {key for key, row in by_number.items() if row.failed}
    for row in rows:
        if row.manager_ref is None:
            continue
        ref = row.manager_ref
        if ref not in by_number and ref not in lookups.existing:
            by_name = sorted(names.get(ref, ()))
            if len(by_name) == 1:
                row.manager_ref = by_name[0]
            elif len(by_name) > 1:
                fail(
                    row,
                    "manager",
                    _("“%(value)s” matches several people; use the employee number.")
                    % {"value": row.manager_text},
                )
                row.manager_ref = None
                continue
            else:
                fail(
                    row,
                    "manager",
                    _("No employee “%(value)s” in this company or this file.")
                    % {"value": row.manager_text},
                )
                row.manager_ref = None
                continue
        try:
            check_not_own_manager(row.number.lower(), row.manager_ref)
        except Refused as refusal:
            report_refusal(fail, row, refusal)
            continue
        if row.manager_ref in failed_before and row.manager_ref not in lookups.existing:
            manager_row = by_number[row.manager_ref]
            fail(
                row,
                "manager",
                _(
                    "The manager “%(value)s” is new in this file, on line %(line)d, which has "
                    "errors: fix that row and this one is fine."
                )
                % {"value": row.manager_text, "line": manager_row.line},
            )

    # The reporting lines as they will be after the import, by employee number.
    manager_by_number: dict[str, str | None] = {
        number: lookups.number_of_pk.get(values["manager_id"]) if values["manager_id"] else None
        for number, values in lookups.existing.items()
    }
    for row in rows:
        if row.manager_ref is not None:
            manager_by_number[row.number.lower()] = row.manager_ref
        elif "manager_id" in row.values:
            manager_by_number[row.number.lower()] = None
    display = {key: row.number for key, row in by_number.items()}

    def name_of(key: str) -> str:
        return display.get(key, lookups.existing.get(key, {}).get("employee_number", key))

    reported: set[str] = set()
    for start, start_row in by_number.items():
        if start in reported:
            continue
        loop = reporting_loop(start, manager_by_number.get)
        if loop is not None:
            reported.update(loop)
            fail(start_row, "manager", loop_message([name_of(key) for key in loop]))

    # Leaving by import: only once nobody active still reports to them.
    status_by_number = {n: v["status"] for n, v in lookups.existing.items()}
    for row in rows:
        if "status" in row.values:
            status_by_number[row.number.lower()] = row.values["status"]
    active_reports: dict[str, int] = {}
    for number, manager in manager_by_number.items():
        if manager is not None and status_by_number.get(number) != Employee.Status.TERMINATED:
            active_reports[manager] = active_reports.get(manager, 0) + 1
    for row in rows:
        key = row.number.lower()
        was = lookups.existing.get(key, {}).get("status")
        if (
            row.values.get("status") == Employee.Status.TERMINATED
            and was != Employee.Status.TERMINATED
            and active_reports.get(key)
        ):
            fail(
                row,
                "status",
                ngettext(
                    "%(number)s still has %(count)d active report: give them a new manager in "
                    "this file, or use Terminate on the employee page.",
                    "%(number)s still has %(count)d active reports: give them a new manager in "
                    "this file, or use Terminate on the employee page.",
                    active_reports[key],
                )
                % {"number": row.number, "count": active_reports[key]},
            )
