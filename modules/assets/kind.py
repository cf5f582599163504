"""The asset request as a kind of request: the engine routes it, assets fulfils it.

Completing the last gate puts the request in the fulfilment queue (its
``awaiting_since``), inside the decision's transaction: an approved request can
never be lost between the engine and finance. Finance then hands out an asset for
it (services/fulfilment.py).
"""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from modules.approvals.kinds import RequestKindSpec, register_kind
from modules.approvals.models import ApproverType
from modules.assets.models.requests import AssetRequest
from tenants.roles import RoleCode


@register_kind
class AssetKind(RequestKindSpec):
    code = "asset"
    label = _("Asset")
    prefix = "AST"
    icon = "devices"
    help_text = _("Equipment or another asset for the company.")
    subject_model = AssetRequest
    fields = ["asset_category", "specification", "quantity", "estimated_cost", "reason"]
    amount_field = "estimated_cost"
    default_route = [
        (_("Manager"), ApproverType.LINE_MANAGER, "", None),
        (_("Finance"), ApproverType.ROLE, RoleCode.FINANCE, None),
    ]

    def amount(self, subject, *, approval, company_currency, lines=None):
        return subject.estimated_cost or Decimal("0")

    def on_completed(self, approval, subject) -> None:
        if subject.awaiting_since is None and subject.fulfilled_at is None:
            subject.awaiting_since = timezone.now()
            subject.save(update_fields=["awaiting_since"])
