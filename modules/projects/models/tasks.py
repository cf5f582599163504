"""Tasks and what hangs off them: assignees, labels, checklist, comments,
attachments and "blocked by" dependencies."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from modules.projects.models.common import HOURS, ZERO
from modules.projects.models.projects import Column, Label, Project
from opsplatform.files import DOCUMENTS, MB, TEXT, PrivateFileField
from opsplatform.tenancy.models import TenantModel


class Priority(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


class Task(TenantModel):
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="tasks", verbose_name=_("project")
    )
    # Per project: WEB-12 is the project's 12th task (Project.task_sequence).
    number = models.PositiveIntegerField(_("number"), editable=False)
    column = models.ForeignKey(
        Column, on_delete=models.PROTECT, related_name="tasks", verbose_name=_("status")
    )
    # Order within the column, smallest first; gaps are normal (services/board.py).
    position = models.IntegerField(_("position"), default=0, editable=False)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    assignees = models.ManyToManyField(
        "employees.Employee",
        through="projects.TaskAssignee",
        related_name="assigned_tasks",
        blank=True,
        verbose_name=_("assignees"),
    )
    priority = models.CharField(
        _("priority"), max_length=8, choices=Priority.choices, default=Priority.NORMAL
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    estimate_hours = models.DecimalField(
        _("estimate (hours)"), **HOURS, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    labels = models.ManyToManyField(
        Label,
        through="projects.TaskLabel",
        related_name="tasks",
        blank=True,
        verbose_name=_("labels"),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="subtasks",
        verbose_name=_("parent task"),
    )
    # Set when the task enters a done column, cleared when it leaves one.
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True, editable=False)
    # Sum of the task's time logs, kept by services/timelogs.py in the same
    # transaction as the log: the board shows it on every card without a sum per card.
    hours_logged = models.DecimalField(_("hours logged"), **HOURS, default=ZERO, editable=False)
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

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["project", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "project", "number"],
                name="task_number_unique",
                violation_error_message=_("The project already has a task with this number."),
            ),
            models.CheckConstraint(
                condition=models.Q(due_date__gte=models.F("start_date"))
                | models.Q(due_date__isnull=True)
                | models.Q(start_date__isnull=True),
                name="task_dates_in_order",
                violation_error_message=_("The due date cannot be before the start date."),
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "project", "column", "position"], name="task_board"),
            models.Index(fields=["tenant", "project", "due_date"], name="task_due"),
            models.Index(fields=["tenant", "project", "completed_at"], name="task_completed"),
        ]

    def __str__(self):
        code = self.project.code if self.project_id else ""
        return f"{code}-{self.number} {self.title}"

    @property
    def reference(self) -> str:
        return f"{self.project.code}-{self.number}"


class TaskAssignee(TenantModel):
    task = models.ForeignKey(
        Task, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("task")
    )
    employee = models.ForeignKey(
        "employees.Employee",
        on_delete=models.CASCADE,
        related_name="task_assignments",
        verbose_name=_("assignee"),
    )

    class Meta:
        verbose_name = _("assignee")
        verbose_name_plural = _("assignees")
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "task", "employee"],
                name="taskassignee_once",
                violation_error_message=_("This person is already assigned to the task."),
            ),
        ]
        indexes = [models.Index(fields=["tenant", "employee"], name="taskassignee_employee")]

    def __str__(self):
        return str(self.employee)


class TaskLabel(TenantModel):
    task = models.ForeignKey(
        Task, on_delete=models.CASCADE, related_name="label_links", verbose_name=_("task")
    )
    label = models.ForeignKey(
        Label, on_delete=models.CASCADE, related_name="task_links", verbose_name=_("label")
    )

    class Meta:
        verbose_name = _("task label")
        verbose_name_plural = _("task labels")
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "task", "label"],
                name="tasklabel_once",
                violation_error_message=_("The task already has this label."),
            ),
        ]

    def __str__(self):
        return str(self.label)


class Dependency(TenantModel):
    """``task`` is blocked by ``blocker``: it cannot be done before the blocker is.

    Both tasks belong to the same project; a loop is refused, naming it
    (services/dependencies.py).
    """

    task = models.ForeignKey(
        Task, on_delete=models.CASCADE, related_name="blocker_links", verbose_name=_("task")
    )
    blocker = models.ForeignKey(
        Task, on_delete=models.CASCADE, related_name="blocked_links", verbose_name=_("blocked by")
    )

    class Meta:
        verbose_name = _("dependency")
        verbose_name_plural = _("dependencies")
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "task", "blocker"],
                name="dependency_once",
                violation_error_message=_("The task is already blocked by this one."),
            ),
            models.CheckConstraint(
                condition=~models.Q(task=models.F("blocker")),
                name="dependency_not_self",
                violation_error_message=_("A task cannot block itself."),
            ),
        ]

    def __str__(self):
        return f"{self.task} ← {self.blocker}"


class ChecklistItem(TenantModel):
    task = models.ForeignKey(
        Task, on_delete=models.CASCADE, related_name="checklist", verbose_name=_("task")
    )
    text = models.CharField(_("item"), max_length=200)
    done = models.BooleanField(_("done"), default=False)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist")
        ordering = ["task", "order", "pk"]

    def __str__(self):
        return self.text


class Comment(TenantModel):
    task = models.ForeignKey(
        Task, on_delete=models.CASCADE, related_name="comments", verbose_name=_("task")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        editable=False,
        related_name="+",
        verbose_name=_("author"),
    )
    body = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("written"), auto_now_add=True)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["task", "created_at", "pk"]

    def __str__(self):
        return self.body[:60]


class Attachment(TenantModel):
    task = models.ForeignKey(
        Task, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("task")
    )
    file = PrivateFileField(
        _("file"),
        area="projects/attachments",
        types=(*DOCUMENTS, TEXT),
        max_size=25 * MB,
        name_field="file_name",
        owner="task",
    )
    file_name = models.CharField(_("file name"), max_length=255, blank=True, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["task", "uploaded_at", "pk"]

    def __str__(self):
        return self.file_name or self.file.name
