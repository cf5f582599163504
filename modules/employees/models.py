"""The company's people: departments, positions, locations, schedules, employees
and their documents. Every table is tenant-owned."""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Value
from django.db.models.functions import Concat, Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from opsplatform.files import (
    CSV,
    DOCX,
    IMAGES,
    MB,
    PDF,
    XLSX,
    Permission,
    PrivateFileField,
    PrivateImageField,
)
from opsplatform.tenancy.models import TenantModel
from tenants.models import CURRENCIES

# The database's check and the importer's (modules/employees/validation.py) say the same.
END_BEFORE_HIRE = _("The end date cannot be before the hire date.")


def employee_file_path(instance, filename: str) -> str:
    # Only old migrations name this; files are now stored by opsplatform.files.
    return f"tenants/{instance.tenant_id}/employees/{filename}"


class Department(TenantModel):
    name = models.CharField(_("name"), max_length=120)
    code = models.CharField(_("code"), max_length=32, blank=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent department"),
    )
    head = models.ForeignKey(
        "Employee",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="headed_departments",
        verbose_name=_("head"),
    )

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                "tenant",
                Lower("name"),
                name="department_name_unique",
                violation_error_message=_("A department with this name already exists."),
            ),
        ]
        indexes = [models.Index(fields=["tenant", "parent"], name="department_tenant_parent")]

    def __str__(self):
        return self.name


class Position(TenantModel):
    title = models.CharField(_("title"), max_length=120)
    department = models.ForeignKey(
        Department,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="positions",
        verbose_name=_("department"),
    )

    class Meta:
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(
                "tenant",
                Lower("title"),
                name="position_title_unique",
                violation_error_message=_("A position with this title already exists."),
            ),
        ]

    def __str__(self):
        return self.title


class WorkLocation(TenantModel):
    name = models.CharField(_("name"), max_length=120)
    address = models.TextField(_("address"), blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("work location")
        verbose_name_plural = _("work locations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                "tenant",
                Lower("name"),
                name="worklocation_name_unique",
                violation_error_message=_("A work location with this name already exists."),
            ),
        ]

    def __str__(self):
        return self.name


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class WorkSchedule(TenantModel):
    name = models.CharField(_("name"), max_length=120)
    working_days = models.JSONField(
        _("working days"), default=list, help_text=_("Weekday numbers, Monday = 0.")
    )
    starts_at = models.TimeField(_("starts at"), default="09:00")
    ends_at = models.TimeField(_("ends at"), default="17:00")
    break_minutes = models.PositiveSmallIntegerField(_("break (minutes)"), default=60)

    class Meta:
        verbose_name = _("work schedule")
        verbose_name_plural = _("work schedules")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                "tenant",
                Lower("name"),
                name="workschedule_name_unique",
                violation_error_message=_("A work schedule with this name already exists."),
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def hours_per_day(self) -> float:
        start = self.starts_at.hour * 60 + self.starts_at.minute
        end = self.ends_at.hour * 60 + self.ends_at.minute
        return max(0, end - start - self.break_minutes) / 60

    def clean(self):
        super().clean()
        from django.core.exceptions import ValidationError

        days = self.working_days or []
        if not isinstance(days, list) or any(d not in Weekday.values for d in days):
            raise ValidationError({"working_days": _("Choose weekdays from Monday to Sunday.")})
        if self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("The day must end after it starts.")})


SEARCH_COLUMNS = ("search_name", "search_last_name", "search_number", "search_email")


def _search_column(expression) -> models.GeneratedField:
    return models.GeneratedField(
        expression=Lower(expression), output_field=models.TextField(), db_persist=True
    )


class Employee(TenantModel):
    class EmploymentType(models.TextChoices):
        FULL_TIME = "full_time", _("Full time")
        PART_TIME = "part_time", _("Part time")
        CONTRACTOR = "contractor", _("Contractor")
        INTERN = "intern", _("Intern")
        TEMPORARY = "temporary", _("Temporary")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        ON_LEAVE = "on_leave", _("On leave")
        SUSPENDED = "suspended", _("Suspended")
        TERMINATED = "terminated", _("Terminated")

    employee_number = models.CharField(_("employee number"), max_length=32)
    first_name = models.CharField(_("first name"), max_length=80)
    last_name = models.CharField(_("last name"), max_length=80, blank=True)
    work_email = models.EmailField(_("work email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    photo = PrivateImageField(
        _("photo"), area="employees/photos", max_size=5 * MB, name_field="photo_name", blank=True
    )
    photo_name = models.CharField(_("photo file name"), max_length=255, blank=True, editable=False)
    hire_date = models.DateField(_("hire date"), default=date.today)
    employment_type = models.CharField(
        _("employment type"),
        max_length=16,
        choices=EmploymentType.choices,
        default=EmploymentType.FULL_TIME,
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE
    )
    end_date = models.DateField(_("end date"), null=True, blank=True)
    termination_reason = models.CharField(_("termination reason"), max_length=255, blank=True)

    department = models.ForeignKey(
        Department,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="employees",
        verbose_name=_("department"),
    )
    position = models.ForeignKey(
        Position,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="employees",
        verbose_name=_("position"),
    )
    location = models.ForeignKey(
        WorkLocation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="employees",
        verbose_name=_("location"),
    )
    schedule = models.ForeignKey(
        WorkSchedule,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="employees",
        verbose_name=_("work schedule"),
    )
    manager = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="direct_reports",
        verbose_name=_("line manager"),
    )
    membership = models.OneToOneField(
        "tenants.Membership",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="employee",
        verbose_name=_("login"),
    )

    hourly_cost_rate = models.DecimalField(
        _("hourly cost rate"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    cost_currency = models.CharField(
        _("cost currency"), max_length=3, choices=CURRENCIES, blank=True
    )
    salary = models.DecimalField(
        _("salary"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("Seen by HR, finance and owners only."),
    )
    salary_currency = models.CharField(
        _("salary currency"), max_length=3, choices=CURRENCIES, blank=True
    )

    emergency_contact_name = models.CharField(_("emergency contact"), max_length=120, blank=True)
    emergency_contact_phone = models.CharField(
        _("emergency contact phone"), max_length=40, blank=True
    )
    emergency_contact_relation = models.CharField(_("relationship"), max_length=60, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    # Read by the admin base on every path (form, filters, ordering, search,
    # export, history): whoever lacks the permission never sees these.
    confidential_fields = {
        "salary": "employees.view_salary",
        "salary_currency": "employees.view_salary",
        "hourly_cost_rate": "employees.view_cost_rate",
        "cost_currency": "employees.view_cost_rate",
    }

    # What the list's search reads (selectors.search_employees, docs/employees.md,
    # "Search"): lower-cased copies the database keeps itself on every write path
    # (a save, an import's COPY, a bulk update). Derived: no form, export or
    # history shows them.
    search_name = _search_column(
        Concat("first_name", Value(" "), "last_name", output_field=models.TextField())
    )
    search_last_name = _search_column("last_name")
    search_number = _search_column("employee_number")
    search_email = _search_column("work_email")

    class Meta:
        verbose_name = _("employee")
        verbose_name_plural = _("employees")
        ordering = ["last_name", "first_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                "tenant",
                Lower("employee_number"),
                name="employee_number_unique",
                violation_error_message=_("Another employee already has this employee number."),
            ),
            models.UniqueConstraint(
                "tenant",
                Lower("work_email"),
                condition=~models.Q(work_email=""),
                name="employee_work_email_unique",
                violation_error_message=_("Another employee already has this work email."),
            ),
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(end_date__gte=models.F("hire_date")),
                name="employee_end_after_hire",
                violation_error_message=END_BEFORE_HIRE,
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "status"], name="employee_tenant_status"),
            # A level of the org chart is one manager's (or one department's) people in
            # name order, read a page at a time: these walk it in order and stop.
            models.Index(
                fields=["tenant", "department", "last_name", "first_name", "id"],
                name="employee_tenant_dept_name",
            ),
            models.Index(
                fields=["tenant", "manager", "last_name", "first_name", "id"],
                name="employee_tenant_manager_name",
            ),
            models.Index(fields=["tenant", "last_name", "first_name"], name="employee_tenant_name"),
            # The search's prefixes: starts_with() is leakproof, so under row-level
            # security it is an index condition here (a LIKE is not; docs/employees.md).
            *(
                models.Index(
                    fields=["tenant", column],
                    opclasses=["int8_ops", "text_pattern_ops"],
                    name=f"employee_{column}",
                )
                for column in SEARCH_COLUMNS
            ),
        ]

    def __str__(self):
        return f"{self.full_name} ({self.employee_number})"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class CostRate(TenantModel):
    """One hourly cost rate of a person, valid from a date until the next one.

    Time logs are priced at the rate valid on their date (projects' pricing
    reads this history through ``selectors.cost_rates_on``), so a later rate
    never rewrites past cost. ``Employee.hourly_cost_rate`` stays as the rate
    most recently set, kept in step by ``services.cost_rates`` (docs/employees.md).
    """

    employee = models.ForeignKey(
        Employee, on_delete=models.CASCADE, related_name="cost_rates", verbose_name=_("employee")
    )
    valid_from = models.DateField(_("valid from"))
    hourly_rate = models.DecimalField(
        _("hourly cost rate"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCIES, blank=True)
    note = models.CharField(_("note"), max_length=255, blank=True)

    # No confidential fields: every path to these rows (their list, the inline on the
    # employee's page, history, export) is open only to employees.view_costrate,
    # which is who may see cost; the employee's own rate field is confidential.

    class Meta:
        verbose_name = _("cost rate")
        verbose_name_plural = _("cost rates")
        ordering = ["employee", "-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "employee", "valid_from"],
                name="costrate_one_per_day",
                violation_error_message=_("This person already has a rate from this date."),
            ),
        ]

    def __str__(self):
        return f"{self.hourly_rate} · {self.valid_from}"


class EmployeeDocument(TenantModel):
    class Kind(models.TextChoices):
        PASSPORT = "passport", _("Passport")
        CONTRACT = "contract", _("Contract")
        VISA = "visa", _("Visa")
        WORK_PERMIT = "work_permit", _("Work permit")
        ID_CARD = "id_card", _("ID card")
        OTHER = "other", _("Other")

    employee = models.ForeignKey(
        Employee, on_delete=models.CASCADE, related_name="documents", verbose_name=_("employee")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    number = models.CharField(_("number"), max_length=64, blank=True)
    file = PrivateFileField(
        _("file"),
        area="employees/documents",
        types=(PDF, *IMAGES, DOCX),
        max_size=20 * MB,
        name_field="file_name",
        blank=True,
    )
    file_name = models.CharField(_("file name"), max_length=255, blank=True, editable=False)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    notes = models.CharField(_("notes"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["expires_on", "pk"]
        indexes = [
            models.Index(fields=["tenant", "expires_on"], name="employeedoc_tenant_expiry"),
        ]

    def __str__(self):
        label = self.get_kind_display()
        return f"{label} {self.number}".strip()

    @property
    def days_to_expiry(self) -> int | None:
        if self.expires_on is None:
            return None
        return (self.expires_on - timezone.localdate()).days

    @property
    def expiry_state(self) -> str:
        days = self.days_to_expiry
        if days is None:
            return "none"
        if days < 0:
            return "expired"
        if days <= settings.DOCUMENT_EXPIRY_WARNING_DAYS:
            return "expiring"
        return "valid"


def expiring_cutoff() -> date:
    return timezone.localdate() + timedelta(days=settings.DOCUMENT_EXPIRY_WARNING_DAYS)


def import_file_path(instance, filename: str) -> str:
    # Only old migrations name this; files are now stored by opsplatform.files.
    return f"tenants/{instance.tenant_id}/imports/{filename}"


class ImportJob(TenantModel):
    """One uploaded people file on its way in: checked, previewed, then applied."""

    class Status(models.TextChoices):
        CHECKING = "checking", _("Checking")
        INVALID = "invalid", _("Has errors")
        READY = "ready", _("Ready to import")
        IMPORTING = "importing", _("Importing")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Failed")

    # The file of an import is the importer's business (it may carry salaries):
    # only people who may import can download it.
    file = PrivateFileField(
        _("file"),
        area="imports",
        types=(XLSX, CSV),
        max_size=50 * MB,
        name_field="original_name",
        owner=Permission("employees.import_employee"),
    )
    original_name = models.CharField(_("file name"), max_length=255)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.CHECKING
    )
    may_set_salary = models.BooleanField(default=False)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("processed"), default=0)
    report = models.JSONField(_("report"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    # The lease of a run (modules/employees/jobs.py): when the job was handed to
    # a worker, the worker's token, and its last sign of life. The watchdog
    # (tasks.release_stalled_import_jobs) returns a job whose worker went quiet.
    queued_at = models.DateTimeField(_("queued"), null=True, blank=True)
    run_token = models.CharField(max_length=32, blank=True, default="")
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["tenant", "created_at"], name="importjob_tenant_created"),
            models.Index(fields=["tenant", "status"], name="importjob_tenant_status"),
        ]

    def __str__(self):
        return self.original_name

    @property
    def can_check_again(self) -> bool:
        """A check that stopped (not one that found errors) may run again on the same file."""
        return self.status == self.Status.FAILED and (self.report or {}).get("restart") == "check"

    @property
    def percent(self) -> int:
        if not self.total_rows:
            return 0
        return min(100, round(100 * self.processed_rows / self.total_rows))
