"""Running timers: one per person (the database's constraint), stopped into a time log.

Decision: stopping logs the elapsed time rounded to the nearest minute and
stored in hundredths of an hour, dated the company day the timer started on.
Under a minute logs nothing (the timer is discarded and the person told);
over 24 hours is refused: the person discards it and logs the time by hand.
"""

from __future__ import annotations

from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from modules.employees.selectors import my_employee
from modules.projects.models import RunningTimer, Task, TimeLog
from modules.projects.services.timelogs import check_may_log, timelog_create
from opsplatform.refusals import Refused
from opsplatform.tenancy.context import require_current_tenant

MAX_MINUTES = 24 * 60


def elapsed_hours(started_at: datetime, now: datetime) -> Decimal:
    minutes = round((now - started_at).total_seconds() / 60)
    return (Decimal(minutes) / Decimal(60)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def running_timer(user) -> RunningTimer | None:
    me = my_employee(user)
    if me is None:
        return None
    return RunningTimer.objects.select_related("task__project").filter(employee_id=me.pk).first()


@transaction.atomic
def timer_start(*, user, task: Task, note: str = "") -> RunningTimer:
    employee = check_may_log(user, task.project, None)
    if employee.pk != (my_employee(user) or employee).pk:
        raise Refused(_("A timer is your own."))
    timer = RunningTimer(
        tenant=require_current_tenant(),
        employee=employee,
        task=task,
        started_at=timezone.now(),
        note=note,
    )
    try:
        # The constraint is the guard: two tabs starting at once give one timer.
        with transaction.atomic():
            timer.save()
    except IntegrityError:
        raise Refused(_("A timer is already running; stop it first.")) from None
    return timer


@transaction.atomic
def timer_stop(*, user) -> TimeLog | None:
    """Log the running timer's time; None when it ran under a minute (discarded)."""
    me = my_employee(user)
    timer = (
        RunningTimer.objects.select_for_update(of=("self",))
        .select_related("task__project")
        .filter(employee_id=getattr(me, "pk", None))
        .first()
    )
    if timer is None:
        raise Refused(_("No timer is running."))
    now = timezone.now()
    minutes = round((now - timer.started_at).total_seconds() / 60)
    if minutes > MAX_MINUTES:
        raise Refused(_("The timer ran over 24 hours: discard it and log the time by hand."))
    task, note = timer.task, timer.note
    day = require_current_tenant().today(timer.started_at)
    timer.delete()
    if minutes < 1:
        return None
    return timelog_create(
        user=user, task=task, day=day, hours=elapsed_hours(timer.started_at, now), note=note
    )


@transaction.atomic
def timer_discard(*, user) -> None:
    me = my_employee(user)
    deleted, _rows = RunningTimer.objects.filter(employee_id=getattr(me, "pk", None)).delete()
    if not deleted:
        raise Refused(_("No timer is running."))
