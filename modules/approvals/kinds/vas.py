"""Value-added service: billed monthly over a term."""

from __future__ import annotations

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from modules.approvals.kinds.base import ZERO, RequestKindSpec, RequestSubject
from modules.approvals.kinds.registry import register_kind
from modules.approvals.models import MONEY, ApproverType, RequestKind
from tenants.roles import RoleCode


class VasDetails(RequestSubject):
    service = models.CharField(_("service"), max_length=200, blank=True)
    provider = models.CharField(_("provider"), max_length=200, blank=True)
    monthly_cost = models.DecimalField(
        _("monthly cost"), **MONEY, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    term_months = models.PositiveSmallIntegerField(
        _("term (months)"), null=True, blank=True, validators=[MinValueValidator(1)]
    )

    class Meta:
        verbose_name = _("value-added service details")
        verbose_name_plural = _("value-added service details")


@register_kind
class VasKind(RequestKindSpec):
    code = RequestKind.VAS
    label = RequestKind.VAS.label
    prefix = "VAS"
    icon = "add_business"
    help_text = _("A value-added service billed monthly over a term.")
    subject_model = VasDetails
    fields = ["service", "provider", "monthly_cost", "start_date", "term_months"]
    amount_field = "monthly_cost"
    search_fields = ["provider", "service"]
    default_route = [
        (_("Manager"), ApproverType.LINE_MANAGER, "", None),
        (_("Revenue Assurance"), ApproverType.ROLE, RoleCode.REVENUE_ASSURANCE, None),
    ]

    def amount(self, subject, *, approval, company_currency, lines=None):
        # The whole term.
        return (subject.monthly_cost or ZERO) * (subject.term_months or 0)
