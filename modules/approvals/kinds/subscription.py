"""Subscription: a recurring software or service subscription."""

from __future__ import annotations

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from modules.approvals.kinds.base import ZERO, RequestKindSpec, RequestSubject
from modules.approvals.kinds.registry import register_kind
from modules.approvals.models import MONEY, ApproverType, RequestKind
from tenants.roles import RoleCode


class BillingPeriod(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    ANNUAL = "annual", _("Annual")


class SubscriptionDetails(RequestSubject):
    vendor = models.CharField(_("vendor"), max_length=200, blank=True)
    plan = models.CharField(_("plan"), max_length=120, blank=True)
    seats = models.PositiveIntegerField(
        _("seats"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    billing_period = models.CharField(
        _("billing period"), max_length=16, choices=BillingPeriod.choices, blank=True
    )
    cost = models.DecimalField(
        _("cost per period"), **MONEY, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    renewal_date = models.DateField(_("renewal date"), null=True, blank=True)

    class Meta:
        verbose_name = _("subscription details")
        verbose_name_plural = _("subscription details")


@register_kind
class SubscriptionKind(RequestKindSpec):
    code = RequestKind.SUBSCRIPTION
    label = RequestKind.SUBSCRIPTION.label
    prefix = "SUB"
    icon = "autorenew"
    help_text = _("A recurring software or service subscription.")
    subject_model = SubscriptionDetails
    fields = ["vendor", "plan", "seats", "billing_period", "cost", "renewal_date"]
    amount_field = "cost"
    search_fields = ["vendor"]
    default_route = [
        (_("Manager"), ApproverType.LINE_MANAGER, "", None),
        (_("Owner"), ApproverType.ROLE, RoleCode.OWNER, None),
    ]

    def amount(self, subject, *, approval, company_currency, lines=None):
        # A year of cost.
        per_year = 12 if subject.billing_period == BillingPeriod.MONTHLY else 1
        return (subject.cost or ZERO) * per_year
