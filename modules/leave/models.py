"""Leave: types, policies and who they apply to, holidays, blackouts, the
balance ledger and the request subject the approvals engine routes.

Every table is tenant-owned. Amounts are in the leave type's unit: days for
"days" and "half days" types (0.5 is half a day), hours for "hours" types.
docs/leave.md explains the rules.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from modules.approvals.kinds import RequestSubject
from modules.employees.models import Employee
from opsplatform.audit import AuditChained
from opsplatform.files import IMAGES, MB, PDF, PrivateFileField
from opsplatform.tenancy.models import TenantModel

# Balances and durations: up to 99,999.99 days or hours, in hundredths.
AMOUNT = {"max_digits": 9, "decimal_places": 2}
ZERO = Decimal("0")
COLOUR = RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Give a colour as #RRGGBB."))


class Unit(models.TextChoices):
    DAYS = "days", _("Days")
    HALF_DAYS = "half_days", _("Half days")
    HOURS = "hours", _("Hours")


class LeaveType(TenantModel):
    name = models.CharField(_("name"), max_length=80)
    code = models.SlugField(_("code"), max_length=32, help_text=_("Short code used in imports."))
    colour = models.CharField(_("colour"), max_length=7, default="#4f46e5", validators=[COLOUR])
    paid = models.BooleanField(_("paid"), default=True)
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices, default=Unit.DAYS)
    requires_approval = models.BooleanField(
        _("needs approval"),
        default=True,
        help_text=_("Without approval a request is granted as soon as it is submitted."),
    )
    requires_document = models.BooleanField(_("needs a supporting document"), default=False)
    document_above_days = models.DecimalField(
        _("document needed above (days)"),
        **AMOUNT,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("Empty: a document is needed for every request of this type."),
    )
    max_consecutive_days = models.DecimalField(
        _("longest request (days)"),
        **AMOUNT,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.5"))],
    )
    min_notice_days = models.PositiveSmallIntegerField(
        _("notice (days)"), default=0, help_text=_("How many days ahead it must be requested.")
    )
    counts_weekends = models.BooleanField(
        _("counts non-working days"),
        default=False,
        help_text=_("Count every calendar day, not only the person's working days."),
    )
    counts_holidays = models.BooleanField(
        _("counts holidays"), default=False, help_text=_("Count public holidays as leave.")
    )
    tracks_balance = models.BooleanField(
        _("tracks a balance"),
        default=True,
        help_text=_(
            "Off for leave nobody accrues (unpaid leave): requests are not checked against a balance."
        ),
    )
    active = models.BooleanField(_("active"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("leave type")
        verbose_name_plural = _("leave types")
        ordering = ["order", "name"]
        constraints = [
            models.UniqueConstraint(
                "tenant",
                Lower("name"),
                name="leavetype_name_unique",
                violation_error_message=_("A leave type with this name already exists."),
            ),
            models.UniqueConstraint(
                fields=["tenant", "code"],
                name="leavetype_code_unique",
                violation_error_message=_("A leave type with this code already exists."),
            ),
        ]

    def __str__(self):
        return self.name


class LeavePolicy(TenantModel):
    """How much of one leave type people get, how it accrues and what carries over."""

    class Accrual(models.TextChoices):
        UP_FRONT = "up_front", _("Up front, at the start of the year")
        MONTHLY = "monthly", _("Monthly")
        PAY_PERIOD = "pay_period", _("Per pay period")

    class CarryForward(models.TextChoices):
        NONE = "none", _("None")
        ALL = "all", _("All")
        UP_TO = "up_to", _("Up to a limit")

    name = models.CharField(_("name"), max_length=120)
    leave_type = models.ForeignKey(
        LeaveType, on_delete=models.PROTECT, related_name="policies", verbose_name=_("leave type")
    )
    yearly_entitlement = models.DecimalField(
        _("yearly entitlement"), **AMOUNT, validators=[MinValueValidator(0)]
    )
    accrual = models.CharField(
        _("accrual"), max_length=12, choices=Accrual.choices, default=Accrual.MONTHLY
    )
    pay_periods_per_year = models.PositiveSmallIntegerField(
        _("pay periods a year"),
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(52)],
        help_text=_("For accrual per pay period: 12, 24, 26 or 52."),
    )
    accrues_from = models.DateField(
        _("ledger starts on"),
        null=True,
        blank=True,
        help_text=_(
            "Accruals are written from this day on; what people had before it comes in "
            "as opening balances. Empty: from each person's hire date."
        ),
    )
    # Joiners and leavers get the share of the year they are employed.
    pro_rata = models.BooleanField(_("pro rata for joiners and leavers"), default=True)
    carry_forward = models.CharField(
        _("carry forward"), max_length=8, choices=CarryForward.choices, default=CarryForward.NONE
    )
    carry_forward_max = models.DecimalField(
        _("carry forward at most"),
        **AMOUNT,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    carry_forward_expiry_months = models.PositiveSmallIntegerField(
        _("carried days expire after (months)"),
        null=True,
        blank=True,
        help_text=_("Empty: carried days never expire."),
    )
    negative_limit = models.DecimalField(
        _("may go negative by"),
        **AMOUNT,
        default=ZERO,
        validators=[MinValueValidator(0)],
        help_text=_("How far below zero a balance may go. 0: never."),
    )
    # Among several matching policies of the same specificity, the lowest wins.
    priority = models.PositiveSmallIntegerField(_("priority"), default=100)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("leave policy")
        verbose_name_plural = _("leave policies")
        ordering = ["leave_type__order", "priority", "name"]
        constraints = [
            models.UniqueConstraint(
                "tenant",
                Lower("name"),
                name="leavepolicy_name_unique",
                violation_error_message=_("A leave policy with this name already exists."),
            ),
        ]

    def __str__(self):
        return self.name


class AccrualMilestone(TenantModel):
    """After so many years of service the yearly entitlement rises (20 days, 25 after 5 years)."""

    policy = models.ForeignKey(
        LeavePolicy, on_delete=models.CASCADE, related_name="milestones", verbose_name=_("policy")
    )
    after_years = models.PositiveSmallIntegerField(
        _("after years of service"), validators=[MinValueValidator(1)]
    )
    yearly_entitlement = models.DecimalField(
        _("yearly entitlement"), **AMOUNT, validators=[MinValueValidator(0)]
    )

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["policy", "after_years"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "policy", "after_years"],
                name="milestone_years_unique",
                violation_error_message=_("This policy already has a milestone at these years."),
            ),
        ]

    def __str__(self):
        return f"{self.policy}: {self.after_years}"


class PolicyAssignment(TenantModel):
    """Who a policy applies to. All empty: everyone in the company.

    When several policies of one leave type match a person, the most specific
    assignment wins: a person, then a department, then a location, then an
    employment type, then the whole company; a tie goes to the policy with the
    lowest priority number, then the oldest assignment (docs/leave.md).
    """

    policy = models.ForeignKey(
        LeavePolicy, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("policy")
    )
    employee = models.ForeignKey(
        "employees.Employee",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("employee"),
    )
    department = models.ForeignKey(
        "employees.Department",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("department"),
    )
    location = models.ForeignKey(
        "employees.WorkLocation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("location"),
    )
    employment_type = models.CharField(
        _("employment type"), max_length=16, blank=True, choices=Employee.EmploymentType.choices
    )

    class Meta:
        verbose_name = _("policy assignment")
        verbose_name_plural = _("policy assignments")
        ordering = ["policy", "pk"]

    def __str__(self):
        return str(self.policy)


class HolidayCalendar(TenantModel):
    """Public holidays for some work locations. The default calendar serves locations without one."""

    name = models.CharField(_("name"), max_length=120)
    locations = models.ManyToManyField(
        "employees.WorkLocation", blank=True, related_name="+", verbose_name=_("work locations")
    )
    is_default = models.BooleanField(
        _("default"), default=False, help_text=_("Used for people whose location has no calendar.")
    )

    class Meta:
        verbose_name = _("holiday calendar")
        verbose_name_plural = _("holiday calendars")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                "tenant",
                Lower("name"),
                name="holidaycalendar_name_unique",
                violation_error_message=_("A holiday calendar with this name already exists."),
            ),
            models.UniqueConstraint(
                fields=["tenant"],
                condition=models.Q(is_default=True),
                name="holidaycalendar_one_default",
                violation_error_message=_("The company already has a default holiday calendar."),
            ),
        ]

    def __str__(self):
        return self.name


class Holiday(TenantModel):
    calendar = models.ForeignKey(
        HolidayCalendar,
        on_delete=models.CASCADE,
        related_name="holidays",
        verbose_name=_("calendar"),
    )
    name = models.CharField(_("name"), max_length=120)
    date = models.DateField(_("date"))
    recurs_yearly = models.BooleanField(
        _("every year"), default=False, help_text=_("Falls on the same day and month every year.")
    )
    half_day = models.BooleanField(_("half day"), default=False)

    class Meta:
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")
        ordering = ["date", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "calendar", "date"],
                name="holiday_date_unique",
                violation_error_message=_("This calendar already has a holiday on this date."),
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "calendar", "date"], name="holiday_calendar_date")
        ]

    def __str__(self):
        return f"{self.name} ({self.date:%Y-%m-%d})"


class BlackoutPeriod(TenantModel):
    """Dates on which leave is refused or warned about (finance's year-end close)."""

    class Action(models.TextChoices):
        REFUSE = "refuse", _("Refuse")
        WARN = "warn", _("Warn")

    name = models.CharField(_("name"), max_length=120)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    action = models.CharField(
        _("action"), max_length=8, choices=Action.choices, default=Action.REFUSE
    )
    # Empty: every department, location or leave type.
    departments = models.ManyToManyField(
        "employees.Department", blank=True, related_name="+", verbose_name=_("departments")
    )
    locations = models.ManyToManyField(
        "employees.WorkLocation", blank=True, related_name="+", verbose_name=_("locations")
    )
    leave_types = models.ManyToManyField(
        LeaveType, blank=True, related_name="+", verbose_name=_("leave types")
    )
    reason = models.CharField(_("reason"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("blackout period")
        verbose_name_plural = _("blackout periods")
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="blackout_dates_in_order",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
        ]

    def __str__(self):
        return self.name


class LeaveRequest(RequestSubject):
    """What an employee asks for. The engine's request carries status, route and log."""

    class Part(models.TextChoices):
        FULL = "full", _("Full day")
        MORNING = "morning", _("Morning")
        AFTERNOON = "afternoon", _("Afternoon")

    employee = models.ForeignKey(
        "employees.Employee",
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("employee"),
    )
    leave_type = models.ForeignKey(
        LeaveType,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("leave type"),
    )
    start_date = models.DateField(_("from"), null=True)
    end_date = models.DateField(_("until"), null=True)
    # Half days: the first day may start in the afternoon, the last end at midday.
    start_part = models.CharField(
        _("first day"), max_length=10, choices=Part.choices, default=Part.FULL
    )
    end_part = models.CharField(
        _("last day"), max_length=10, choices=Part.choices, default=Part.FULL
    )
    # Hours types: the hours of a single-day request (empty: the whole working day).
    hours = models.DecimalField(
        _("hours"), **AMOUNT, null=True, blank=True, validators=[MinValueValidator(Decimal("0.25"))]
    )
    # What it costs in the type's unit, computed when it is submitted.
    duration = models.DecimalField(_("duration"), **AMOUNT, default=ZERO, editable=False)
    reason = models.TextField(_("reason"), blank=True)
    document = PrivateFileField(
        _("supporting document"),
        area="leave/documents",
        types=(PDF, *IMAGES),
        max_size=10 * MB,
        name_field="document_name",
        owner="approval",
        blank=True,
    )
    document_name = models.CharField(
        _("document file name"), max_length=255, blank=True, editable=False
    )
    # Set when approved leave is cancelled; days not yet taken are credited back.
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True, editable=False)
    # The deputy period made for the approver's leave (services/deputies.py).
    away = models.ForeignKey(
        "approvals.Delegation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("deputy while away"),
    )

    class Meta:
        verbose_name = _("leave request")
        verbose_name_plural = _("leave requests")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")),
                name="leaverequest_dates_in_order",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "employee", "start_date"], name="leaverequest_employee"),
            models.Index(fields=["tenant", "start_date", "end_date"], name="leaverequest_dates"),
        ]


class LedgerEntry(TenantModel, AuditChained):
    """One movement of a balance. Rows are only ever added: a mistake is corrected
    by a reversing entry. A balance on a date is the sum of the entries up to it."""

    # On PostgreSQL the application's role may not UPDATE or DELETE these rows, and
    # the database chains each one into the tenant's audit chain; it is its own
    # audit, so it has no history table (opsplatform/audit.py).
    append_only = True
    audit_time_field = "created_at"

    class Kind(models.TextChoices):
        OPENING = "opening", _("Opening balance")
        ACCRUAL = "accrual", _("Accrual")
        ALLOCATION = "allocation", _("Allocation")
        RESERVATION = "reservation", _("Reserved by a pending request")
        RELEASE = "release", _("Reservation released")
        USE = "use", _("Leave taken")
        CREDIT = "credit", _("Credited back")
        CARRY_FORWARD = "carry_forward", _("Carried forward")
        EXPIRY = "expiry", _("Expired")
        ADJUSTMENT = "adjustment", _("Adjustment")
        REVERSAL = "reversal", _("Reversal")

    employee = models.ForeignKey(
        "employees.Employee", on_delete=models.PROTECT, related_name="+", verbose_name=_("employee")
    )
    leave_type = models.ForeignKey(
        LeaveType, on_delete=models.PROTECT, related_name="+", verbose_name=_("leave type")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    # Positive adds to the balance, negative takes from it.
    amount = models.DecimalField(_("amount"), **AMOUNT)
    # The day the entry counts from (an accrual's month, a request's first day).
    effective_on = models.DateField(_("effective"))
    # Carried-forward days: the day what is left of them expires.
    expires_on = models.DateField(_("expires"), null=True, blank=True)
    request = models.ForeignKey(
        LeaveRequest,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="entries",
        verbose_name=_("request"),
    )
    reverses = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversed_by",
        verbose_name=_("reverses"),
    )
    # What made the entry once and only once ("accrual:2026-03", "carry:2027"):
    # the daily run writes an entry only if its key is new (idempotent catch-up).
    key = models.CharField(_("key"), max_length=64, blank=True, editable=False)
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    # The database stamps this with its own clock, whatever the client sent.
    created_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        ordering = ["effective_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "employee", "leave_type", "key"],
                condition=~models.Q(key=""),
                name="ledgerentry_key_once",
                violation_error_message=_("This entry has already been recorded."),
            ),
            models.CheckConstraint(
                condition=~models.Q(amount=0),
                name="ledgerentry_not_zero",
                violation_error_message=_("An entry must move the balance."),
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="adjustment") | ~models.Q(reason=""),
                name="ledgerentry_adjustment_has_reason",
                violation_error_message=_("An adjustment needs a reason."),
            ),
        ]
        indexes = [
            models.Index(
                fields=["tenant", "employee", "leave_type", "effective_on"], name="ledger_balance"
            ),
            models.Index(fields=["tenant", "request"], name="ledger_request"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount}"


# Leave's kind of request registers with the engine as its subject model loads.
from modules.leave import kind  # noqa: E402, F401
