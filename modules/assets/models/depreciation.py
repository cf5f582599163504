"""The depreciation ledger: one row per asset and month posted, a revaluation or
a disposal. Rows are only ever added; the book value on a date is the cost plus
the sum of the entries up to it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from modules.assets.models.assets import Asset
from modules.assets.models.common import MONEY
from opsplatform.audit import AuditChained
from opsplatform.tenancy.models import TenantModel


class DepreciationEntry(TenantModel, AuditChained):
    # On PostgreSQL the application's role may not UPDATE or DELETE these rows and
    # the database chains each into the tenant's audit chain (docs/audit.md).
    append_only = True
    audit_time_field = "created_at"

    class Kind(models.TextChoices):
        DEPRECIATION = "depreciation", _("Depreciation")
        REVALUATION = "revaluation", _("Revaluation")
        DISPOSAL = "disposal", _("Disposal")

    asset = models.ForeignKey(
        Asset, on_delete=models.PROTECT, related_name="entries", verbose_name=_("asset")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    # A depreciation's month (its first day); a revaluation's or disposal's day.
    period = models.DateField(_("period"))
    # Negative lowers the book value (depreciation); a revaluation may be either.
    amount = models.DecimalField(_("amount"), **MONEY)
    # The book value after this entry: the schedule's figure, kept so a report reads
    # one row instead of summing.
    book_value = models.DecimalField(_("book value after"), **MONEY)
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    # The database stamps this with its own clock.
    created_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        verbose_name = _("depreciation entry")
        verbose_name_plural = _("depreciation entries")
        ordering = ["asset", "period", "pk"]
        constraints = [
            # Running a month twice posts it once.
            models.UniqueConstraint(
                fields=["tenant", "asset", "period"],
                condition=models.Q(kind="depreciation"),
                name="depreciation_once_a_month",
                violation_error_message=_("This month is already posted for this asset."),
            ),
            models.UniqueConstraint(
                fields=["tenant", "asset"],
                condition=models.Q(kind="disposal"),
                name="depreciation_disposed_once",
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "asset", "period"], name="depentry_asset_period"),
            models.Index(fields=["tenant", "period"], name="depentry_period"),
        ]

    def __str__(self):
        return f"{self.asset_id} {self.period}: {self.amount}"
