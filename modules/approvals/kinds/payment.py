"""Payment: pay a supplier or a person against an invoice."""

from __future__ import annotations

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from modules.approvals.kinds.base import ZERO, RequestKindSpec, RequestSubject
from modules.approvals.kinds.registry import register_kind
from modules.approvals.models import MAX_FILE_BYTES, MONEY, ApproverType, RequestKind
from opsplatform.files import IMAGES, PDF, PrivateFileField
from tenants.models import CURRENCIES
from tenants.roles import RoleCode


class PaymentDetails(RequestSubject):
    payee = models.CharField(_lazy("payee"), max_length=200, blank=True)
    payment_amount = models.DecimalField(
        _lazy("payment amount"), **MONEY, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    currency = models.CharField(_lazy("currency"), max_length=3, choices=CURRENCIES, blank=True)
    company_amount = models.DecimalField(
        _lazy("amount in company currency"),
        **MONEY,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_lazy("Needed when the payment is in another currency: approval limits use it."),
    )
    due_date = models.DateField(_lazy("due date"), null=True, blank=True)
    # Whoever may see the request may download its invoice.
    invoice = PrivateFileField(
        _lazy("invoice"),
        area="approvals/invoices",
        types=(PDF, *IMAGES),
        max_size=MAX_FILE_BYTES,
        name_field="invoice_name",
        owner="approval",
        blank=True,
    )
    invoice_name = models.CharField(
        _lazy("invoice file name"), max_length=255, blank=True, editable=False
    )

    class Meta:
        verbose_name = _lazy("payment details")
        verbose_name_plural = _lazy("payment details")


ROUTE_WITH_CEO_ABOVE_10000 = [
    (_lazy("Manager"), ApproverType.LINE_MANAGER, "", None),
    (_lazy("Revenue Assurance"), ApproverType.ROLE, RoleCode.REVENUE_ASSURANCE, None),
    (_lazy("CEO"), ApproverType.ROLE, RoleCode.CEO, 10000),
    (_lazy("Owner"), ApproverType.ROLE, RoleCode.OWNER, None),
]


@register_kind
class PaymentKind(RequestKindSpec):
    code = RequestKind.PAYMENT
    label = RequestKind.PAYMENT.label
    prefix = "PAY"
    icon = "payments"
    help_text = _lazy("Pay a supplier or a person against an invoice.")
    subject_model = PaymentDetails
    fields = ["payee", "payment_amount", "currency", "company_amount", "due_date", "invoice"]
    # Needed only for a payment in another currency (checked below).
    optional_fields = {"company_amount", "currency"}
    amount_field = "payment_amount"
    search_fields = ["payee"]
    default_route = ROUTE_WITH_CEO_ABOVE_10000

    def before_save(self, subject, *, approval, company_currency):
        if not subject.currency:
            subject.currency = company_currency

    def amount(self, subject, *, approval, company_currency, lines=None):
        # A payment in another currency counts the value the requester gave in ours.
        if subject.currency and subject.currency != company_currency:
            return subject.company_amount or ZERO
        return subject.payment_amount or ZERO

    def completeness_errors(self, subject, *, approval, company_currency):
        currency = subject.currency or company_currency
        if currency != company_currency and subject.company_amount is None:
            return {
                "company_amount": _(
                    "The payment is in %(currency)s: give its value in %(company)s for the approval limits."
                )
                % {"currency": currency, "company": company_currency}
            }
        return {}
