"""Time people log against tasks, running timers, and weekly timesheets."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from modules.approvals.kinds import RequestSubject
from modules.projects.models.common import MONEY, RATE, ZERO
from modules.projects.models.projects import Project
from modules.projects.models.tasks import Task
from opsplatform.tenancy.models import TenantModel

# One entry: up to 24 hours; a correction may be negative (it offsets a locked entry).
ENTRY_HOURS = {"max_digits": 5, "decimal_places": 2}


class Timesheet(RequestSubject):
    """One person's week on one project, submitted to the project's manager.

    A week spread over two projects is two timesheets, each decided by its own
    project manager (kind.py). Its entries are locked from submission on; an
    approved week is never edited again, a correction is a new entry.
    """

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        SUBMITTED = "submitted", _("Submitted")
        APPROVED = "approved", _("Approved")
        RETURNED = "returned", _("Returned")
        REJECTED = "rejected", _("Rejected")

    employee = models.ForeignKey(
        "employees.Employee",
        on_delete=models.PROTECT,
        null=True,
        related_name="timesheets",
        verbose_name=_("employee"),
    )
    project = models.ForeignKey(
        Project,
        on_delete=models.PROTECT,
        null=True,
        related_name="timesheets",
        verbose_name=_("project"),
    )
    week_start = models.DateField(_("week starting"), null=True, help_text=_("A Monday."))
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.OPEN, editable=False
    )
    # Totals at submission, shown in the inbox.
    hours = models.DecimalField(_("hours"), **ENTRY_HOURS, default=ZERO, editable=False)

    class Meta:
        verbose_name = _("timesheet")
        verbose_name_plural = _("timesheets")
        constraints = [
            # One live timesheet per person, project and week; a rejected one may be redone.
            models.UniqueConstraint(
                fields=["tenant", "employee", "project", "week_start"],
                condition=~models.Q(state="rejected"),
                name="timesheet_one_per_week",
                violation_error_message=_("There is already a timesheet for this week."),
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "project", "week_start"], name="timesheet_project_week"),
        ]

    def __str__(self):
        if self.approval_id:
            return str(self.approval)
        return f"{self.employee} · {self.week_start}"


class TimeLog(TenantModel):
    """Hours one person spent on one task on one day, with the cost and bill
    amounts fixed when it was logged: a later rate change never rewrites them."""

    task = models.ForeignKey(
        Task, on_delete=models.PROTECT, related_name="time_logs", verbose_name=_("task")
    )
    # The task's project, copied so that the analytics sum by project on one index.
    project = models.ForeignKey(
        Project,
        on_delete=models.PROTECT,
        related_name="time_logs",
        editable=False,
        verbose_name=_("project"),
    )
    employee = models.ForeignKey(
        "employees.Employee",
        on_delete=models.PROTECT,
        related_name="time_logs",
        verbose_name=_("employee"),
    )
    date = models.DateField(_("date"))
    hours = models.DecimalField(
        _("hours"),
        **ENTRY_HOURS,
        validators=[MinValueValidator(-24), MaxValueValidator(24)],
    )
    note = models.CharField(_("note"), max_length=255, blank=True)
    billable = models.BooleanField(_("billable"), default=True)
    cost_rate = models.DecimalField(_("cost rate"), **RATE, default=ZERO, editable=False)
    cost_amount = models.DecimalField(_("cost"), **MONEY, default=ZERO, editable=False)
    bill_rate = models.DecimalField(_("bill rate"), **RATE, default=ZERO, editable=False)
    bill_amount = models.DecimalField(_("bill amount"), **MONEY, default=ZERO, editable=False)
    timesheet = models.ForeignKey(
        Timesheet,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="entries",
        verbose_name=_("timesheet"),
    )
    # A correction of a locked entry points at it (services/timelogs.py).
    corrects = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="corrections",
        verbose_name=_("corrects"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("logged by"),
    )
    created_at = models.DateTimeField(_("logged"), auto_now_add=True)

    # Cost and bill figures follow may_see_cost: the admin base keeps them out of
    # filters, ordering, search, export and history of whoever may not see every
    # project's cost (a project manager sees their own project's on the list).
    confidential_fields = {
        "cost_rate": "projects.view_project_cost",
        "cost_amount": "projects.view_project_cost",
        "bill_rate": "projects.view_project_cost",
        "bill_amount": "projects.view_project_cost",
    }

    class Meta:
        verbose_name = _("time log")
        verbose_name_plural = _("time logs")
        ordering = ["-date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(hours=0),
                name="timelog_hours_not_zero",
                violation_error_message=_("Log some time: zero hours is not an entry."),
            ),
            models.CheckConstraint(
                condition=models.Q(hours__gt=0) | models.Q(corrects__isnull=False),
                name="timelog_negative_only_as_correction",
                violation_error_message=_("Only a correction of an entry can take hours away."),
            ),
        ]
        indexes = [
            # The figures the health and the analytics sum are in the index itself: on
            # PostgreSQL their sums are index-only scans, not a heap read per log.
            models.Index(
                # Key columns rather than INCLUDE, which SQLite lacks (and warns about).
                fields=[
                    "tenant",
                    "project",
                    "date",
                    "employee",
                    "billable",
                    "hours",
                    "cost_amount",
                    "bill_amount",
                ],
                name="timelog_project_date",
            ),
            models.Index(fields=["tenant", "employee", "date"], name="timelog_employee_date"),
            models.Index(fields=["tenant", "task"], name="timelog_task"),
        ]

    def __str__(self):
        return f"{self.employee} · {self.date} · {self.hours} h"


class RunningTimer(TenantModel):
    """A timer a person started on a task; stopping it logs the time (one per person)."""

    employee = models.ForeignKey(
        "employees.Employee",
        on_delete=models.CASCADE,
        related_name="running_timers",
        verbose_name=_("employee"),
    )
    task = models.ForeignKey(
        Task, on_delete=models.CASCADE, related_name="running_timers", verbose_name=_("task")
    )
    started_at = models.DateTimeField(_("started"))
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("running timer")
        verbose_name_plural = _("running timers")
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "employee"],
                name="runningtimer_one_per_person",
                violation_error_message=_("A timer is already running; stop it first."),
            ),
        ]

    def __str__(self):
        return f"{self.employee} · {self.task}"
