"""An asset request: the approvals engine's subject for the "asset" kind (kind.py).

It lived in the engine until assets became a module; the table moved with it
(migration 0001 renames approvals_assetdetails). Once the last gate approves, the
request waits in the fulfilment queue until finance hands out an asset for it.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from modules.approvals.kinds import RequestSubject
from modules.approvals.models import MONEY


class AssetRequest(RequestSubject):
    asset_category = models.CharField(_("asset category"), max_length=120, blank=True)
    specification = models.TextField(_("specification"), blank=True)
    quantity = models.PositiveIntegerField(
        _("quantity"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    estimated_cost = models.DecimalField(
        _("estimated cost"),
        **MONEY,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("For the whole quantity."),
    )
    reason = models.TextField(_("reason"), blank=True)
    # The fulfilment queue: set by the kind's completion hook, cleared never.
    awaiting_since = models.DateTimeField(
        _("waiting for fulfilment since"), null=True, blank=True, editable=False
    )
    fulfilled_at = models.DateTimeField(_("fulfilled"), null=True, blank=True, editable=False)
    fulfilled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("fulfilled by"),
    )

    class Meta:
        verbose_name = _("asset request")
        verbose_name_plural = _("asset requests")
        indexes = [
            models.Index(
                fields=["tenant", "awaiting_since"],
                condition=models.Q(awaiting_since__isnull=False, fulfilled_at__isnull=True),
                name="assetrequest_queue",
            ),
        ]
