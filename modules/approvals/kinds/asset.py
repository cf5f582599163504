"""Asset: equipment or another asset for the company."""

from __future__ import annotations

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from modules.approvals.kinds.base import ZERO, RequestKindSpec, RequestSubject
from modules.approvals.kinds.registry import register_kind
from modules.approvals.models import MONEY, ApproverType, RequestKind
from tenants.roles import RoleCode


class AssetDetails(RequestSubject):
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

    class Meta:
        verbose_name = _("asset details")
        verbose_name_plural = _("asset details")


@register_kind
class AssetKind(RequestKindSpec):
    code = RequestKind.ASSET
    label = RequestKind.ASSET.label
    prefix = "AST"
    icon = "devices"
    help_text = _("Equipment or another asset for the company.")
    subject_model = AssetDetails
    fields = ["asset_category", "specification", "quantity", "estimated_cost", "reason"]
    amount_field = "estimated_cost"
    default_route = [
        (_("Manager"), ApproverType.LINE_MANAGER, "", None),
        (_("Finance"), ApproverType.ROLE, RoleCode.FINANCE, None),
    ]

    def amount(self, subject, *, approval, company_currency, lines=None):
        return subject.estimated_cost or ZERO
