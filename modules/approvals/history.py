"""The request's history before kinds had their own tables.

Until migration 0004 every kind's columns (payee, vendor, seats …) were on the
request, so its history rows carry them. Those rows are audit records in a hash
chain (docs/audit.md): dropping a column that holds values would change their
canonical text and ``verify_audit`` would report them altered. So the history
table keeps the columns, readable through these fields; rows written since
leave them empty (NULL, which the chain's canonical text leaves out), and each
kind's own table has its own history from then on.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RequestColumnsBeforeKinds(models.Model):
    payee = models.CharField(_("payee"), max_length=200, null=True, blank=True)
    payment_amount = models.DecimalField(
        _("payment amount"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    company_amount = models.DecimalField(
        _("amount in company currency"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    invoice = models.TextField(_("invoice"), max_length=255, null=True, blank=True)
    invoice_name = models.CharField(
        _("invoice file name"), max_length=255, null=True, blank=True, editable=False
    )
    service = models.CharField(_("service"), max_length=200, null=True, blank=True)
    provider = models.CharField(_("provider"), max_length=200, null=True, blank=True)
    monthly_cost = models.DecimalField(
        _("monthly cost"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    term_months = models.PositiveSmallIntegerField(_("term (months)"), null=True, blank=True)
    asset_category = models.CharField(_("asset category"), max_length=120, null=True, blank=True)
    specification = models.TextField(_("specification"), null=True, blank=True)
    quantity = models.PositiveIntegerField(_("quantity"), null=True, blank=True)
    estimated_cost = models.DecimalField(
        _("estimated cost"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    reason = models.TextField(_("reason"), null=True, blank=True)
    vendor = models.CharField(_("vendor"), max_length=200, null=True, blank=True)
    plan = models.CharField(_("plan"), max_length=120, null=True, blank=True)
    seats = models.PositiveIntegerField(_("seats"), null=True, blank=True)
    billing_period = models.CharField(_("billing period"), max_length=16, null=True, blank=True)
    cost = models.DecimalField(
        _("cost per period"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    renewal_date = models.DateField(_("renewal date"), null=True, blank=True)

    class Meta:
        abstract = True
