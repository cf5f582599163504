"""Logging time: entries, their edits, corrections, and the lock of submitted weeks.

Decisions (docs/projects/time.md):
- a person logs their own time on a project they are on (its manager or a
  member); the project's manager (and owners and the CEO, who manage every
  project) may log for the project's people; nobody else logs for anyone;
- no time for a day that has not come yet, and at most 24 hours a day a person;
- an entry in a submitted or approved timesheet cannot be edited or deleted:
  a correction is a new entry pointing at it (``corrects``), dated as it, that
  may take hours away, never more than the entry and its corrections hold;
- every write keeps ``Task.hours_logged`` with an F() update and recomputes the
  project's health, in the same transaction.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Sum
from django.utils.translation import gettext as _

from modules.employees.models import Employee
from modules.employees.selectors import my_employee
from modules.projects.models import Project, ProjectMember, Task, TimeLog
from modules.projects.selectors import time as time_selectors
from modules.projects.selectors.visibility import may_manage, may_see_project
from modules.projects.services import health
from modules.projects.services.pricing import price_logs
from opsplatform.refusals import Refused
from opsplatform.tenancy.context import require_current_tenant

DAY_LIMIT = Decimal("24")
ZERO = Decimal("0")


def is_on_project(employee: Employee, project: Project) -> bool:
    return (
        project.manager_id == employee.pk
        or ProjectMember.objects.filter(project_id=project.pk, employee_id=employee.pk).exists()
    )


def check_may_log(user, project: Project, employee: Employee | None) -> Employee:
    """The employee the time is for, or a refusal saying why not."""
    me = my_employee(user)
    if employee is None:
        employee = me
    if employee is None:
        raise Refused(_("Only people with an employee record log time."))
    if project.is_template:
        raise Refused(_("A template is not worked on: log time on a real project."))
    if not may_see_project(user, project):
        raise Refused(_("You are not on this project."))
    if me is None or employee.pk != me.pk:
        if not may_manage(user, project):
            raise Refused(_("Only the project manager logs time for someone else."))
    if not is_on_project(employee, project):
        if me is not None and employee.pk == me.pk:
            raise Refused(_("You are not on this project."))
        raise Refused(
            _("%(name)s is not on this project.") % {"name": employee.full_name}, field="employee"
        )
    return employee


def check_day(employee: Employee, day: date, hours: Decimal, *, without: int | None = None):
    today = require_current_tenant().today()
    if day > today:
        raise Refused(_("You cannot log time for a day that has not come yet."), field="date")
    logged = TimeLog.objects.filter(employee_id=employee.pk, date=day)
    if without is not None:
        logged = logged.exclude(pk=without)
    total = (logged.aggregate(total=Sum("hours"))["total"] or ZERO) + hours
    if total > DAY_LIMIT:
        raise Refused(
            _("That makes %(total)s hours on %(date)s: a day has 24.")
            % {"total": total, "date": day.isoformat()},
            field="hours",
        )


def check_week_open(employee: Employee, project: Project, day: date) -> None:
    sheet = time_selectors.locked_timesheet(employee.pk, project.pk, day)
    if sheet is not None:
        raise Refused(
            _(
                "The week of %(week)s on %(project)s is %(state)s: it is locked. "
                "Add a correction to one of its entries instead."
            )
            % {
                "week": sheet.week_start.isoformat(),
                "project": project.code,
                "state": sheet.get_state_display().lower(),
            }
        )


def _add_hours(task: Task, delta: Decimal) -> None:
    if delta:
        Task.objects.filter(pk=task.pk).update(hours_logged=F("hours_logged") + delta)


def _clean(log: TimeLog) -> None:
    try:
        log.full_clean(exclude=["task", "project", "employee", "corrects", "timesheet"])
    except ValidationError as error:
        raise Refused(error.messages) from error


@transaction.atomic
def timelog_create(
    *,
    user,
    task: Task,
    day: date,
    hours: Decimal,
    employee: Employee | None = None,
    note: str = "",
    billable: bool = True,
) -> TimeLog:
    project = task.project
    employee = check_may_log(user, project, employee)
    hours = Decimal(hours)
    if hours <= 0:
        raise Refused(_("Log some time: more than zero hours."), field="hours")
    check_week_open(employee, project, day)
    check_day(employee, day, hours)
    log = TimeLog(
        tenant=require_current_tenant(),
        task=task,
        project=project,
        employee=employee,
        date=day,
        hours=hours,
        note=note,
        billable=billable,
        created_by=user,
    )
    _clean(log)
    price_logs([log])
    log.save()
    _add_hours(task, hours)
    health.recompute(project)
    return log


def _check_may_change(user, log: TimeLog) -> None:
    me = my_employee(user)
    own = me is not None and log.employee_id == me.pk
    if not own and not may_manage(user, log.project):
        raise Refused(_("You can change only your own entries."))
    if time_selectors.is_locked(log):
        raise Refused(
            _(
                "This entry is in a %(state)s timesheet and cannot be changed: "
                "add a correction instead."
            )
            % {"state": log.timesheet.get_state_display().lower()}
        )


def _corrections_total(log: TimeLog) -> Decimal:
    return log.corrections.aggregate(total=Sum("hours"))["total"] or ZERO


@transaction.atomic
def timelog_update(
    *,
    user,
    log_id,
    day: date | None = None,
    hours: Decimal | None = None,
    note: str | None = None,
    billable: bool | None = None,
) -> TimeLog:
    """Edit an unlocked entry. A new date or hours are priced again (it is not yet approved)."""
    log = time_selectors.log_for_user(user, log_id, for_update=True)
    _check_may_change(user, log)
    old_hours = log.hours
    if day is not None and day != log.date:
        if log.corrects_id or log.corrections.exists():
            raise Refused(_("An entry with corrections keeps its date."), field="date")
        check_week_open(log.employee, log.project, day)
        log.date = day
    if hours is not None:
        log.hours = Decimal(hours)
    if note is not None:
        log.note = note
    if billable is not None:
        log.billable = billable
    if log.corrects_id is None and log.hours <= 0:
        raise Refused(_("Log some time: more than zero hours."), field="hours")
    if log.corrects_id is None and log.hours + _corrections_total(log) < 0:
        raise Refused(
            _("Its corrections take away more than that: the total cannot go below zero."),
            field="hours",
        )
    if log.corrects_id is not None:
        _check_correction_total(log.corrects, log.hours, without=log.pk)
    check_day(log.employee, log.date, log.hours, without=log.pk)
    _clean(log)
    price_logs([log])
    log.save()
    _add_hours(log.task, log.hours - old_hours)
    health.recompute(log.project)
    return log


@transaction.atomic
def timelog_delete(*, user, log_id) -> None:
    log = time_selectors.log_for_user(user, log_id, for_update=True)
    _check_may_change(user, log)
    if log.corrections.exists():
        raise Refused(_("This entry has corrections: correct it again instead of deleting it."))
    if log.corrects_id is not None:
        _check_correction_total(log.corrects, ZERO, without=log.pk)
    project, task, hours = log.project, log.task, log.hours
    log.delete()
    _add_hours(task, -hours)
    health.recompute(project)


def _check_correction_total(original: TimeLog, hours: Decimal, *, without=None) -> None:
    others = original.corrections.all()
    if without is not None:
        others = others.exclude(pk=without)
    total = original.hours + (others.aggregate(total=Sum("hours"))["total"] or ZERO) + hours
    if total < 0:
        raise Refused(
            _("That takes away more than was logged: %(left)s hours are left on this entry.")
            % {"left": original.hours + (others.aggregate(total=Sum("hours"))["total"] or ZERO)},
            field="hours",
        )


@transaction.atomic
def timelog_correct(*, user, log_id, hours: Decimal, note: str = "") -> TimeLog:
    """A correction of ``log``: hours to add (or take away, negative), on its date."""
    original = time_selectors.log_for_user(user, log_id, for_update=True)
    if original.corrects_id is not None:
        original = time_selectors.log_for_user(user, original.corrects_id, for_update=True)
    me = my_employee(user)
    own = me is not None and original.employee_id == me.pk
    if not own and not may_manage(user, original.project):
        raise Refused(_("You can correct only your own entries."))
    hours = Decimal(hours)
    if hours == 0:
        raise Refused(_("A correction changes the hours: give a number other than zero."))
    _check_correction_total(original, hours)
    if hours > 0:
        check_day(original.employee, original.date, hours)
    if not note:
        raise Refused(_("Say why in the note: a correction is a record."), field="note")
    log = TimeLog(
        tenant=require_current_tenant(),
        task=original.task,
        project=original.project,
        employee=original.employee,
        date=original.date,
        hours=hours,
        note=note,
        billable=original.billable,
        corrects=original,
        created_by=user,
    )
    _clean(log)
    price_logs([log])
    log.save()
    _add_hours(original.task, hours)
    health.recompute(original.project)
    return log
