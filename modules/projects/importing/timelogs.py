"""Time logs: each row is hours one person spent on one task on one day.

The person is a member or the manager of the project; a day in a week whose
timesheet is submitted or approved is locked (a correction goes through the
timesheet screens, never an import). The logs are priced by
``services.pricing.price_logs`` (the person's rate on the day, the project's
bill rate), inserted in batches, each task's ``hours_logged`` summed again
(one UPDATE per batch of tasks), and every touched project's health
recomputed once at the end. The logs and the tasks' new totals leave history
rows with the importing person and the reason.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import DecimalField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from modules.employees.models import Employee
from modules.projects.importing.columns import TIMELOG_COLUMNS
from modules.projects.importing.lookups import Lookups, ProjectFacts
from modules.projects.importing.task_rows import task_number
from modules.projects.models import Task, TimeLog, Timesheet
from modules.projects.services import health
from modules.projects.services.pricing import price_logs
from opsplatform.bulk import create_with_history
from opsplatform.importing.files import SourceRow
from opsplatform.importing.report import ImportReport
from opsplatform.importing.rows import RowCheck, check_rows
from opsplatform.tenancy.context import require_current_tenant

COLUMNS = TIMELOG_COLUMNS
BATCH_SIZE = 5000
NOTE_LIMIT = TimeLog._meta.get_field("note").max_length
MAX_HOURS = Decimal("24")
LOCKED = (Timesheet.State.SUBMITTED, Timesheet.State.APPROVED)
OPEN = (Timesheet.State.OPEN, Timesheet.State.RETURNED)


@dataclass(slots=True)
class Entry:
    line: int
    facts: ProjectFacts
    task_id: int
    employee_id: int
    date: date
    hours: Decimal
    billable: bool
    note: str
    timesheet_id: int | None = None


class ProjectLogs:
    """Per project, loaded the first time a row names it: task numbers and the weeks' timesheets."""

    def __init__(self):
        self.tasks: dict[int, dict[int, int]] = {}
        self.weeks: dict[int, dict[tuple[int, date], tuple[str, int]]] = {}

    def load(self, project_id: int) -> None:
        if project_id in self.tasks:
            return
        self.tasks[project_id] = dict(
            Task.objects.filter(project_id=project_id).values_list("number", "pk")
        )
        weeks = {}
        for employee_id, week, state, pk in (
            Timesheet.objects.filter(project_id=project_id)
            .exclude(state=Timesheet.State.REJECTED)
            .values_list("employee_id", "week_start", "state", "pk")
        ):
            weeks[(employee_id, week)] = (state, pk)
        self.weeks[project_id] = weeks


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def check(headers: list[str], rows: Iterable[SourceRow], *, user) -> tuple[ImportReport, list]:
    lookups = Lookups.load(user)
    more = ProjectLogs()
    report, entries = check_rows(headers, rows, lambda row: _check_row(row, lookups, more))
    report.to_create = len(entries)
    # The open timesheet of the week, if there is one, takes the entry (as the grid's would).
    for entry in entries:
        found = more.weeks[entry.facts.project.pk].get((entry.employee_id, monday(entry.date)))
        entry.timesheet_id = found[1] if found and found[0] in OPEN else None
    return report, entries


def _check_row(row: RowCheck, lookups: Lookups, more: ProjectLogs) -> Entry | None:
    facts = lookups.project(row)
    task_id = None
    task_text = row.text("task", required=True)
    if facts is not None:
        more.load(facts.project.pk)
        if task_text:
            number = task_number(task_text, facts.project.code)
            task_id = more.tasks[facts.project.pk].get(number) if number is not None else None
            if task_id is None:
                row.fail(
                    "task",
                    _("No task %(code)s-%(value)s.")
                    % {"code": facts.project.code, "value": task_text[:20]},
                )
    person = row.text("person", required=True)
    employee_id = lookups.person(row, "person", person, facts) if person else None
    day = row.day("date", required=True)
    hours = row.number("hours", required=True)
    if hours is not None and not (0 < hours <= MAX_HOURS):
        row.fail("hours", _("Give more than 0 and at most 24 hours."))
    billable = row.yes_no("billable", default=True)
    note = row.text("note", limit=NOTE_LIMIT)
    if row.failed or facts is None:
        return None
    state = more.weeks[facts.project.pk].get((employee_id, monday(day)), ("", 0))[0]
    if state in LOCKED:
        row.fail(
            "date",
            _("The timesheet of the week of %(week)s is %(state)s: its time is locked.")
            % {"week": date_format(monday(day)), "state": Timesheet.State(state).label.lower()},
        )
        return None
    return Entry(row.line, facts, task_id, employee_id, day, hours, billable, note)


def apply(
    entries: list[Entry], report: ImportReport, *, user=None, key: str = "", reason: str = ""
) -> None:
    """Write every checked log in one transaction (only call with ``report.ok``)."""
    if not report.ok:
        raise ValueError("refusing to apply an import with errors")
    tenant = require_current_tenant()
    with transaction.atomic():
        # price_logs reads the person, the task and the project of each log: loaded once each.
        # The tasks are loaded whole and locked: their new totals' history rows copy them.
        people = Employee.objects.in_bulk({e.employee_id for e in entries})
        tasks = Task.objects.select_for_update().in_bulk({e.task_id for e in entries})
        for batch_start in range(0, len(entries), BATCH_SIZE):
            batch = entries[batch_start : batch_start + BATCH_SIZE]
            logs = []
            for entry in batch:
                task = tasks[entry.task_id]
                task.project = entry.facts.project
                logs.append(
                    TimeLog(
                        tenant=tenant,
                        task=task,
                        project=entry.facts.project,
                        employee=people[entry.employee_id],
                        date=entry.date,
                        hours=entry.hours,
                        billable=entry.billable,
                        note=entry.note,
                        timesheet_id=entry.timesheet_id,
                        created_by=user,
                    )
                )
            price_logs(logs)
            create_with_history(logs, TimeLog, user=user, reason=reason, batch_size=BATCH_SIZE)
        refresh_hours_logged(list(tasks.values()), user=user, reason=reason)
        for project in {e.facts.project.pk: e.facts.project for e in entries}.values():
            health.recompute(project)
    report.created = len(entries)
    report.applied = True


def refresh_hours_logged(tasks: list[Task], *, user=None, reason: str = "") -> None:
    """Each task's ``hours_logged``, summed again in the database, with a "~" history row.

    Per batch of tasks: one UPDATE summing in the database (cheaper than a
    bulk_update's CASE over a thousand rows), one read of the new totals onto
    the loaded tasks, one insert of their history rows."""
    total = (
        TimeLog.objects.filter(task_id=OuterRef("pk"))
        .order_by()
        .values("task_id")
        .annotate(total=Sum("hours"))
        .values("total")
    )
    field = DecimalField(max_digits=9, decimal_places=2)
    for start in range(0, len(tasks), BATCH_SIZE):
        batch = tasks[start : start + BATCH_SIZE]
        found = Task.objects.filter(pk__in=[task.pk for task in batch])
        found.update(
            hours_logged=Coalesce(
                Subquery(total, output_field=field), Value(Decimal("0")), output_field=field
            )
        )
        totals = dict(found.values_list("pk", "hours_logged"))
        for task in batch:
            task.hours_logged = totals[task.pk]
        Task.history.bulk_history_create(
            batch,
            batch_size=BATCH_SIZE,
            update=True,
            default_user=user,
            default_change_reason=reason,
        )
