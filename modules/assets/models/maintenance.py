"""Maintenance: preventive plans that produce work orders, and the work orders that
take an asset into repair and back."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from modules.assets.models.assets import Asset
from modules.assets.models.categories import AssetCategory, Supplier
from modules.assets.models.common import MONEY, UNITS
from opsplatform.tenancy.models import TenantModel


class MaintenancePlan(TenantModel):
    """Service every N months or every N units, for one asset or a whole category."""

    title = models.CharField(_("title"), max_length=160)
    asset = models.ForeignKey(
        Asset,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="maintenance_plans",
        verbose_name=_("asset"),
    )
    category = models.ForeignKey(
        AssetCategory,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="maintenance_plans",
        verbose_name=_("category"),
    )
    every_months = models.PositiveIntegerField(
        _("every (months)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
    )
    every_units = models.DecimalField(
        _("every (units)"),
        **UNITS,
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Hours, kilometres or pages between services (from meter readings)."),
    )
    starts_on = models.DateField(_("first due on"))
    # How many days ahead of its date a work order is opened.
    lead_days = models.PositiveIntegerField(_("open work orders (days ahead)"), default=7)
    vendor = models.ForeignKey(
        Supplier,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("usual vendor"),
    )
    instructions = models.TextField(_("instructions"), blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("maintenance plan")
        verbose_name_plural = _("maintenance plans")
        ordering = ["title", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(asset__isnull=False, category__isnull=True)
                    | Q(asset__isnull=True, category__isnull=False)
                ),
                name="maintenanceplan_asset_or_category",
                violation_error_message=_("A plan is for one asset or for one category."),
            ),
            models.CheckConstraint(
                condition=Q(every_months__isnull=False) | Q(every_units__isnull=False),
                name="maintenanceplan_has_interval",
                violation_error_message=_("Give how often: every N months or every N units."),
            ),
        ]

    def __str__(self):
        return self.title


class WorkOrder(TenantModel):
    class Kind(models.TextChoices):
        PREVENTIVE = "preventive", _("Preventive")
        CORRECTIVE = "corrective", _("Repair after a failure")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        IN_PROGRESS = "in_progress", _("In repair")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    asset = models.ForeignKey(
        Asset, on_delete=models.PROTECT, related_name="work_orders", verbose_name=_("asset")
    )
    plan = models.ForeignKey(
        MaintenancePlan,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="work_orders",
        verbose_name=_("plan"),
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.CORRECTIVE)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.OPEN, editable=False
    )
    title = models.CharField(_("title"), max_length=160)
    description = models.TextField(_("description"), blank=True)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    # Which plan occurrence this is (its due date): a plan opens each one once.
    plan_due_on = models.DateField(_("plan occurrence"), null=True, blank=True, editable=False)
    vendor = models.ForeignKey(
        Supplier,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="work_orders",
        verbose_name=_("vendor"),
    )
    cost = models.DecimalField(
        _("cost"), **MONEY, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    # Out of service: from "start" (the asset goes into repair) to "finish".
    started_at = models.DateTimeField(_("into repair"), null=True, blank=True, editable=False)
    finished_at = models.DateTimeField(_("back in service"), null=True, blank=True, editable=False)
    # The condition the asset came back in, and what was done.
    resolution = models.TextField(_("what was done"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("work order")
        verbose_name_plural = _("work orders")
        ordering = ["-created_at", "pk"]
        permissions = [("manage_maintenance", _("Can plan maintenance and run work orders"))]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "plan", "asset", "plan_due_on"],
                condition=Q(plan__isnull=False),
                name="workorder_plan_occurrence_once",
            ),
            models.CheckConstraint(
                condition=Q(finished_at__isnull=True)
                | Q(started_at__isnull=True)
                | Q(finished_at__gte=models.F("started_at")),
                name="workorder_finished_after_started",
                violation_error_message=_("A work order cannot finish before it starts."),
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "status", "due_on"], name="workorder_due"),
            models.Index(fields=["tenant", "asset", "started_at"], name="workorder_asset"),
        ]

    def __str__(self):
        return self.title

    @property
    def downtime(self):
        """Time out of service, once finished."""
        if self.started_at and self.finished_at:
            return self.finished_at - self.started_at
        return None
