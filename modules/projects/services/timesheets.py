"""The week grid's writes: save a whole week at once, and submit it for approval.

``week_save`` takes every cell of the grid (task × day → hours or empty) and
saves them in one transaction: each changed cell becomes a create, an edit or a
delete of the person's entry for that task and day (services/timelogs.py, with
every check there). Every bad cell is named and nothing is saved. A cell that
holds several entries or a correction is edited in the time log list instead.

``week_submit`` makes one timesheet request per project that has hours that
week (each decided by its own project manager, kind.py), resubmitting a
returned one and leaving submitted and approved ones as they are.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from modules.approvals.services import (
    request_create_and_submit,
    request_resubmit,
    request_submit,
)
from modules.employees.selectors import my_employee
from modules.projects.kind import week_hours
from modules.projects.models import Task, Timesheet
from modules.projects.selectors import time as time_selectors
from modules.projects.services import timelogs
from opsplatform.refusals import Refused

ZERO = Decimal("0")


@dataclass
class CellError:
    task: Task
    day: date
    message: str


class WeekRefused(Refused):
    """Some cells could not be saved: ``cells`` names each (nothing was saved)."""

    def __init__(self, cells: list[CellError]):
        super().__init__([f"{c.task.reference} {c.day.isoformat()}: {c.message}" for c in cells])
        self.cells = cells


def parse_hours(text: str) -> Decimal | None:
    text = (text or "").strip().replace(",", ".")
    if not text:
        return None
    if ":" in text:  # 1:30 is an hour and a half
        hours, _sep, minutes = text.partition(":")
        try:
            return (Decimal(hours or "0") + Decimal(minutes or "0") / 60).quantize(Decimal("0.01"))
        except InvalidOperation:
            raise ValueError(text) from None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(text) from None
    if not value.is_finite():
        raise ValueError(text)
    return value.quantize(Decimal("0.01"))


@transaction.atomic
def week_save(*, user, week: date, tasks: list[Task], cells: dict[tuple[int, date], str]) -> int:
    """Save the grid. ``cells`` maps (task id, day) to the text typed. Returns the
    number of entries written; raises ``WeekRefused`` naming every bad cell."""
    me = my_employee(user)
    if me is None:
        raise Refused(_("Only people with an employee record log time."))
    by_task = {task.pk: task for task in tasks}
    entries: dict[tuple[int, date], list] = {}
    for log in time_selectors.week_logs(me.pk, week):
        entries.setdefault((log.task_id, log.date), []).append(log)
    errors: list[CellError] = []
    written = 0
    for (task_id, day), text in sorted(cells.items(), key=lambda item: (item[0][1], item[0][0])):
        task = by_task.get(task_id)
        if task is None or not (week <= day < week + timedelta(days=7)):
            continue  # not a cell of this grid: ignored, never guessed
        here = entries.get((task_id, day), [])
        current = sum((log.hours for log in here), ZERO)
        try:
            wanted = parse_hours(text)
        except ValueError:
            errors.append(
                CellError(task, day, _("“%(value)s” is not a number of hours.") % {"value": text})
            )
            continue
        if (wanted or ZERO) == current:
            continue
        try:
            with transaction.atomic():
                written += _save_cell(user, me, task, day, here, wanted)
        except ValidationError as error:
            errors.append(CellError(task, day, " ".join(error.messages)))
    if errors:
        raise WeekRefused(errors)
    return written


def _save_cell(user, me, task, day, here, wanted) -> int:
    if wanted is not None and wanted < 0:
        raise Refused(_("Hours cannot be negative: add a correction in the time log list."))
    if any(time_selectors.is_locked(log) for log in here):
        raise Refused(
            _("This day is locked in a submitted or approved timesheet: add a correction.")
        )
    if len(here) > 1 or any(log.corrects_id or log.corrections.exists() for log in here):
        raise Refused(_("This day holds several entries: change them in the time log list."))
    if not here:
        timelogs.timelog_create(user=user, task=task, day=day, hours=wanted, employee=me)
    elif not wanted:
        timelogs.timelog_delete(user=user, log_id=here[0].pk)
    else:
        timelogs.timelog_update(user=user, log_id=here[0].pk, hours=wanted)
    return 1


@transaction.atomic
def week_submit(*, user, week: date) -> list:
    """One request per project with hours this week; returns the requests (re)submitted."""
    me = my_employee(user)
    if me is None:
        raise Refused(_("Only people with an employee record log time."))
    if week.weekday() != 0:
        raise Refused(_("A week starts on a Monday."))
    sheets = time_selectors.week_timesheets(me.pk, week)
    project_ids = sorted({log.project_id for log in time_selectors.week_logs(me.pk, week)})
    projects = {log.project_id: log.task.project for log in time_selectors.week_logs(me.pk, week)}
    done = []
    for project_id in project_ids:
        sheet = sheets.get(project_id)
        if sheet is not None and sheet.state in time_selectors.LOCKED_STATES:
            continue
        project = projects[project_id]
        candidate = sheet or Timesheet(employee=me, project=project, week_start=week)
        if week_hours(candidate) <= 0:
            continue
        if sheet is not None and sheet.state == Timesheet.State.RETURNED:
            done.append(request_resubmit(request_id=sheet.approval_id, user=user))
            continue
        if sheet is not None:  # a draft raised from the request form
            done.append(request_submit(request_id=sheet.approval_id, user=user))
            continue
        title = _("Timesheet %(project)s, week of %(week)s") % {
            "project": project.code,
            "week": week.isoformat(),
        }
        done.append(
            request_create_and_submit(
                user=user,
                kind="timesheet",
                title=title,
                subject=Timesheet(employee=me, project=project, week_start=week),
                requester_employee=me,
            )
        )
    if not done:
        raise Refused(_("Nothing to submit this week: log some hours first."))
    return done
