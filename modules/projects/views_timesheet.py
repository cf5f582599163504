"""My timesheet: a week of days × tasks, filled in, timed and submitted in one place.

GET reads a constant number of queries whatever the rows (the person, the week's
entries, the rows' tasks, the week's timesheets, the running timer, the tasks
one may add). One POST saves the whole week (services/timesheets.py): every bad
cell is named and nothing is saved. Locked cells (a submitted or approved week
on that project) are shown read-only with the timesheet's state.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _now
from django.utils.translation import gettext_lazy as _

from modules.employees.selectors import my_employee
from modules.projects.selectors import time as time_selectors
from modules.projects.services import timelogs, timers, timesheets
from opsplatform.admin.pages import AdminPage
from opsplatform.refusals import show_refusal

ZERO = Decimal("0")
# The "add a row" chooser lists at most this many of the person's open tasks.
ADDABLE_LIMIT = 200


def parse_week(text: str | None, today: date) -> date:
    try:
        day = date.fromisoformat(text) if text else today
    except ValueError:
        day = today
    return time_selectors.monday_of(day)


def _hours_text(hours: Decimal) -> str:
    return f"{hours.normalize():f}" if hours else ""


def _ids(values) -> list[int]:
    return [int(v) for v in values if str(v).isdigit()][:100]


class TimesheetPage(AdminPage):
    permission_required = "projects.log_time"
    title = _("My timesheet")
    template_name = "projects/timesheet.html"

    def get(self, request, errors=None, typed=None):
        me = my_employee(request.user)
        if me is None:
            raise Http404
        today = request.tenant.today()
        week = parse_week(request.GET.get("week") or request.POST.get("week"), today)
        extra = _ids(request.GET.getlist("add") + request.POST.getlist("row"))
        return self.render(
            **self.week_context(request, me, week, today, extra, errors or {}, typed or {})
        )

    def week_context(self, request, me, week, today, extra, errors, typed):
        days = [week + timedelta(days=i) for i in range(7)]
        tasks = time_selectors.grid_tasks(request.user, me.pk, week, extra)
        logs = time_selectors.week_logs(me.pk, week)
        sheets = time_selectors.week_timesheets(me.pk, week)
        timer = timers.running_timer(request.user)
        cells: dict[tuple[int, date], list] = {}
        for log in logs:
            cells.setdefault((log.task_id, log.date), []).append(log)
        rows = []
        day_totals = [ZERO] * 7
        for task in tasks:
            sheet = sheets.get(task.project_id)
            locked = sheet is not None and sheet.state in time_selectors.LOCKED_STATES
            row_cells = []
            total = ZERO
            for index, day in enumerate(days):
                here = cells.get((task.pk, day), [])
                hours = sum((log.hours for log in here), ZERO)
                total += hours
                day_totals[index] += hours
                name = f"c-{task.pk}-{day.isoformat()}"
                row_cells.append(
                    {
                        "name": name,
                        "day": day,
                        "value": typed.get(name, _hours_text(hours)),
                        "readonly": locked
                        or len(here) > 1
                        or any(log.corrects_id for log in here)
                        or day > today,
                        "error": errors.get(name, ""),
                    }
                )
            rows.append(
                {
                    "task": task,
                    "cells": row_cells,
                    "total": total,
                    "sheet": sheet,
                    "locked": locked,
                }
            )
        shown = {task.pk for task in tasks}
        addable = [
            task
            for task in time_selectors.workable_tasks(request.user, me.pk)
            .filter(completed_at__isnull=True)
            .select_related("project")
            .order_by("project__code", "number")[:ADDABLE_LIMIT]
            if task.pk not in shown
        ]
        return {
            "week": week,
            "days": days,
            "today": today,
            "rows": rows,
            "day_totals": day_totals,
            "week_total": sum(day_totals, ZERO),
            "sheets": sorted(sheets.values(), key=lambda s: s.project_id),
            "timer": timer,
            "addable": addable,
            "extra": extra,
            "previous_week": week - timedelta(days=7),
            "next_week": week + timedelta(days=7),
            "this_week": time_selectors.monday_of(today),
            "cell_errors": [message for message in errors.values()],
        }

    def post(self, request):
        me = my_employee(request.user)
        if me is None:
            raise Http404
        today = request.tenant.today()
        week = parse_week(request.POST.get("week"), today)
        back = self._url(week, _ids(request.POST.getlist("row")))
        what = request.POST.get("action", "save")
        try:
            if what == "submit":
                done = timesheets.week_submit(user=request.user, week=week)
                messages.success(
                    request,
                    _now("Submitted for approval: %(list)s.")
                    % {"list": ", ".join(a.reference for a in done)},
                )
            elif what.startswith("timer_start:"):
                task = self._task(request, me, what.partition(":")[2])
                timers.timer_start(user=request.user, task=task)
                messages.success(request, _now("Timer started on %(task)s.") % {"task": task})
            elif what == "timer_stop":
                log = timers.timer_stop(user=request.user)
                if log is None:
                    messages.info(request, _now("Under a minute: nothing was logged."))
                else:
                    messages.success(
                        request, _now("Logged %(hours)s h.") % {"hours": _hours_text(log.hours)}
                    )
            elif what == "timer_discard":
                timers.timer_discard(user=request.user)
                messages.info(request, _now("Timer discarded."))
            else:
                return self._save(request, me, week, today, back)
        except ValidationError as error:
            show_refusal(request, error)
        return HttpResponseRedirect(back)

    def _save(self, request, me, week, today, back):
        rows = _ids(request.POST.getlist("row"))
        tasks = time_selectors.grid_tasks(request.user, me.pk, week, rows)
        typed = {}
        cells = {}
        for key, text in request.POST.items():
            if not key.startswith("c-"):
                continue
            _prefix, task_id, day = key.split("-", 2)
            try:
                cells[(int(task_id), date.fromisoformat(day))] = text
                typed[key] = text
            except ValueError:
                continue
        try:
            count = timesheets.week_save(user=request.user, week=week, tasks=tasks, cells=cells)
        except timesheets.WeekRefused as refused:
            errors = {f"c-{c.task.pk}-{c.day.isoformat()}": c.message for c in refused.cells}
            messages.error(request, _now("Nothing was saved: fix the cells marked below."))
            context = self.week_context(request, me, week, today, rows, errors, typed)
            return self.render(**context)
        messages.success(request, _now("Week saved (%(count)s changes).") % {"count": count})
        return HttpResponseRedirect(back)

    def _task(self, request, me, task_id):
        if not str(task_id).isdigit():
            raise Http404
        task = (
            time_selectors.workable_tasks(request.user, me.pk)
            .select_related("project")
            .filter(pk=int(task_id))
            .first()
        )
        if task is None:
            raise Http404
        return task

    def _url(self, week: date, rows) -> str:
        url = reverse("admin:projects_timesheet") + f"?week={week.isoformat()}"
        return url + "".join(f"&add={pk}" for pk in rows)


class CorrectionForm(forms.Form):
    hours = forms.DecimalField(
        label=_("hours"),
        max_digits=5,
        decimal_places=2,
        help_text=_("Hours to add, or to take away with a minus sign (-1.5)."),
    )
    note = forms.CharField(label=_("why"), max_length=255)


class CorrectionPage(AdminPage):
    permission_required = "projects.log_time"
    title = _("Add a correction")
    template_name = "projects/timesheet_correction.html"

    def get(self, request, object_id, form=None):
        log = time_selectors.log_for_user(request.user, object_id)
        return self.render(log=log, form=form or CorrectionForm())

    def post(self, request, object_id):
        log = time_selectors.log_for_user(request.user, object_id)
        form = CorrectionForm(request.POST)
        if form.is_valid():
            try:
                timelogs.timelog_correct(
                    user=request.user,
                    log_id=log.pk,
                    hours=form.cleaned_data["hours"],
                    note=form.cleaned_data["note"],
                )
            except ValidationError as error:
                show_refusal(request, error, form=form)
            else:
                messages.success(request, _now("Correction added."))
                return HttpResponseRedirect(reverse("admin:projects_timelog_changelist"))
        return self.get(request, object_id, form=form)
