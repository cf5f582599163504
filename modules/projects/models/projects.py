"""A project, who works on it, its status columns and the company's labels."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from modules.projects.models.common import COLOUR, HOURS, MONEY, RATE
from opsplatform.tenancy.models import TenantModel

PROJECT_CODE = RegexValidator(
    r"^[A-Z][A-Z0-9]{1,9}$",
    _("Give 2 to 10 capital letters or digits, starting with a letter (WEB, ERP2)."),
)


class Project(TenantModel):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        ACTIVE = "active", _("Active")
        ON_HOLD = "on_hold", _("On hold")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")

    class Health(models.TextChoices):
        ON_TRACK = "on_track", _("On track")
        AT_RISK = "at_risk", _("At risk")
        OFF_TRACK = "off_track", _("Off track")

    code = models.CharField(
        _("code"),
        max_length=10,
        validators=[PROJECT_CODE],
        help_text=_("Short code that starts every task's number (WEB-12)."),
    )
    name = models.CharField(_("name"), max_length=160)
    client = models.CharField(_("client"), max_length=160, blank=True)
    description = models.TextField(_("description"), blank=True)
    manager = models.ForeignKey(
        "employees.Employee",
        on_delete=models.PROTECT,
        related_name="managed_projects",
        verbose_name=_("project manager"),
    )
    members = models.ManyToManyField(
        "employees.Employee",
        through="projects.ProjectMember",
        related_name="projects",
        blank=True,
        verbose_name=_("members"),
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    budget_hours = models.DecimalField(
        _("budget (hours)"), **HOURS, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    budget_amount = models.DecimalField(
        _("budget (money)"),
        **MONEY,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("In the company's currency."),
    )
    billable = models.BooleanField(_("billable"), default=False)
    bill_rate = models.DecimalField(
        _("default bill rate (per hour)"),
        **RATE,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PLANNED
    )
    is_template = models.BooleanField(
        _("template"),
        default=False,
        help_text=_("A template's columns and tasks are copied into new projects started from it."),
    )
    # The last task number handed out (services/tasks.py takes the next under a row lock).
    task_sequence = models.PositiveIntegerField(default=0, editable=False)

    # The computed health (services/health.py): never set by hand. The facts behind
    # it are kept as data so the sentence is written in the reader's language.
    health = models.CharField(
        _("health"), max_length=10, choices=Health.choices, blank=True, editable=False
    )
    health_facts = models.JSONField(_("health facts"), default=dict, blank=True, editable=False)
    health_checked_at = models.DateTimeField(
        _("health checked"), null=True, blank=True, editable=False
    )

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    # Money figures are cost figures (visibility.may_see_cost): the admin base leaves
    # them out of every path of whoever lacks the permission; the project screen
    # opens them to the manager of the project in hand (admin/projects.py).
    confidential_fields = {
        "budget_amount": "projects.view_project_cost",
        "bill_rate": "projects.view_project_cost",
    }

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "code"],
                name="project_code_unique",
                violation_error_message=_("A project with this code already exists."),
            ),
            models.CheckConstraint(
                condition=models.Q(due_date__gte=models.F("start_date"))
                | models.Q(due_date__isnull=True)
                | models.Q(start_date__isnull=True),
                name="project_dates_in_order",
                violation_error_message=_("The due date cannot be before the start date."),
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "status"], name="project_status"),
            models.Index(fields=["tenant", "manager"], name="project_manager"),
        ]
        permissions = [
            ("view_project_cost", _("Can see project cost figures")),
            ("import_project_data", _("Can import tasks and time logs")),
            ("export_project_data", _("Can export tasks and time logs")),
        ]

    def __str__(self):
        return f"{self.code} · {self.name}"


class ProjectMember(TenantModel):
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("project")
    )
    employee = models.ForeignKey(
        "employees.Employee",
        on_delete=models.CASCADE,
        related_name="project_memberships",
        verbose_name=_("employee"),
    )
    joined_at = models.DateTimeField(_("joined"), auto_now_add=True)

    class Meta:
        verbose_name = _("project member")
        verbose_name_plural = _("project members")
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "project", "employee"],
                name="projectmember_once",
                violation_error_message=_("This person is already a member of the project."),
            ),
        ]
        indexes = [models.Index(fields=["tenant", "employee"], name="projectmember_employee")]

    def __str__(self):
        return str(self.employee)


class Column(TenantModel):
    """One status of a project's workflow, shown as a board column.

    Retired columns stay (tasks' history names them) but hold no task: retiring
    moves its tasks to a column the manager chooses (services/columns.py).
    """

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="columns", verbose_name=_("project")
    )
    name = models.CharField(_("name"), max_length=60)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_done = models.BooleanField(
        _("done column"),
        default=False,
        help_text=_("A task moved here is complete; it needs its blockers done first."),
    )
    wip_limit = models.PositiveSmallIntegerField(
        _("work-in-progress limit"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Empty: no limit. A column over its limit is marked on the board."),
    )
    retired_at = models.DateTimeField(_("retired"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("status column")
        verbose_name_plural = _("status columns")
        ordering = ["project", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                "tenant",
                "project",
                Lower("name"),
                condition=models.Q(retired_at__isnull=True),
                name="column_name_unique",
                violation_error_message=_("The project already has a column with this name."),
            ),
        ]

    def __str__(self):
        return self.name


class Label(TenantModel):
    """A company-wide label tasks of any project can carry."""

    name = models.CharField(_("name"), max_length=40)
    colour = models.CharField(_("colour"), max_length=7, default="#64748b", validators=[COLOUR])

    class Meta:
        verbose_name = _("label")
        verbose_name_plural = _("labels")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                "tenant",
                Lower("name"),
                name="label_name_unique",
                violation_error_message=_("A label with this name already exists."),
            ),
        ]

    def __str__(self):
        return self.name
