"""Custody: who holds an asset, from when to when. One open assignment per asset,
which the database enforces (a partial unique index), so two people assigning the
same laptop at once cannot both succeed."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from modules.assets.models.assets import Asset
from opsplatform.tenancy.models import TenantModel


class Assignment(TenantModel):
    asset = models.ForeignKey(
        Asset, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("asset")
    )
    employee = models.ForeignKey(
        "employees.Employee",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="asset_assignments",
        verbose_name=_("employee"),
    )
    department = models.ForeignKey(
        "employees.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="asset_assignments",
        verbose_name=_("department"),
    )
    assigned_at = models.DateTimeField(_("assigned"), default=timezone.now)
    expected_return = models.DateField(_("expected return"), null=True, blank=True)
    condition_out = models.CharField(_("condition at handover"), max_length=500, blank=True)
    returned_at = models.DateTimeField(_("returned"), null=True, blank=True)
    condition_in = models.CharField(_("condition on return"), max_length=500, blank=True)
    # Filled when the holder changed in one step (a transfer): the next assignment.
    transferred_to = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="transferred_from",
        verbose_name=_("transferred to"),
    )
    # The asset request this hand-out fulfils.
    request = models.ForeignKey(
        "approvals.ApprovalRequest",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("asset request"),
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assigned by"),
    )
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("return recorded by"),
    )

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["-assigned_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "asset"],
                condition=Q(returned_at__isnull=True),
                name="assignment_one_holder",
                violation_error_message=_("This asset is already held by someone."),
            ),
            models.CheckConstraint(
                condition=(
                    Q(employee__isnull=False, department__isnull=True)
                    | Q(employee__isnull=True, department__isnull=False)
                ),
                name="assignment_one_kind_of_holder",
                violation_error_message=_("Assign to an employee or a department, not both."),
            ),
            models.CheckConstraint(
                condition=Q(returned_at__isnull=True) | Q(returned_at__gte=models.F("assigned_at")),
                name="assignment_returned_after_assigned",
                violation_error_message=_("The return cannot be before the handover."),
            ),
        ]
        indexes = [
            models.Index(
                fields=["tenant", "employee"],
                condition=Q(returned_at__isnull=True),
                name="assignment_open_by_employee",
            ),
            models.Index(fields=["tenant", "asset", "assigned_at"], name="assignment_asset"),
        ]

    def __str__(self):
        return f"{self.asset} → {self.holder}"

    @property
    def holder(self):
        return self.employee if self.employee_id else self.department

    @property
    def is_open(self) -> bool:
        return self.returned_at is None
