"""What each kind of request asks for, and the amount routing compares with thresholds."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy as _

from modules.approvals.models import MONEY, ApprovalRequest, BillingPeriod, RequestKind

# The kind's own fields, in form order; all are required before submitting.
KIND_FIELDS: dict[str, list[str]] = {
    RequestKind.PAYMENT: [
        "payee",
        "payment_amount",
        "currency",
        "company_amount",
        "due_date",
        "invoice",
    ],
    RequestKind.VAS: ["service", "provider", "monthly_cost", "start_date", "term_months"],
    RequestKind.ASSET: ["asset_category", "specification", "quantity", "estimated_cost", "reason"],
    RequestKind.PURCHASE: ["vendor"],
    RequestKind.SUBSCRIPTION: ["vendor", "plan", "seats", "billing_period", "cost", "renewal_date"],
}

# Filled in only in some cases (checked separately).
OPTIONAL_FIELDS = {"company_amount", "currency"}

KIND_HELP = {
    RequestKind.PAYMENT: _("Pay a supplier or a person against an invoice."),
    RequestKind.VAS: _("A value-added service billed monthly over a term."),
    RequestKind.ASSET: _("Equipment or another asset for the company."),
    RequestKind.PURCHASE: _("Goods or services from a vendor, item by item."),
    RequestKind.SUBSCRIPTION: _("A recurring software or service subscription."),
}

KIND_ICONS = {
    RequestKind.PAYMENT: "payments",
    RequestKind.VAS: "add_business",
    RequestKind.ASSET: "devices",
    RequestKind.PURCHASE: "shopping_cart",
    RequestKind.SUBSCRIPTION: "autorenew",
}


CENT = Decimal("0.01")
# The largest amount the request's ``amount`` column holds (14 digits, 2 after the point).
AMOUNT_LIMIT = Decimal(10) ** (MONEY["max_digits"] - MONEY["decimal_places"]) - CENT

# The field a person types the request's amount into (for a purchase, the lines).
AMOUNT_FIELD = {
    RequestKind.PAYMENT: "payment_amount",
    RequestKind.VAS: "monthly_cost",
    RequestKind.ASSET: "estimated_cost",
    RequestKind.PURCHASE: "vendor",
    RequestKind.SUBSCRIPTION: "cost",
}


def computed_amount(request: ApprovalRequest, *, company_currency: str, lines=None) -> Decimal:
    return _amount(request, company_currency=company_currency, lines=lines).quantize(
        CENT, rounding=ROUND_HALF_UP
    )


def _amount(request: ApprovalRequest, *, company_currency: str, lines=None) -> Decimal:
    """The request's value in the company currency (what route conditions compare).

    Subscriptions count a year of cost, VAS the whole term, purchases the sum of
    their lines; a payment in another currency uses the amount the requester
    gave in the company currency.
    """
    zero = Decimal("0")
    kind = request.kind
    if kind == RequestKind.PAYMENT:
        if request.currency and request.currency != company_currency:
            return request.company_amount or zero
        return request.payment_amount or zero
    if kind == RequestKind.VAS:
        return (request.monthly_cost or zero) * (request.term_months or 0)
    if kind == RequestKind.ASSET:
        return request.estimated_cost or zero
    if kind == RequestKind.PURCHASE:
        if lines is None and request.pk is None:
            return zero  # a new request has no lines yet
        rows = lines if lines is not None else request.lines.all()
        return sum((line.total for line in rows), zero)
    if kind == RequestKind.SUBSCRIPTION:
        per_year = 12 if request.billing_period == BillingPeriod.MONTHLY else 1
        return (request.cost or zero) * per_year
    return zero


def snapshot(request: ApprovalRequest, lines=None) -> dict[str, str]:
    """The fields a reviewer reads, as text, to compare one moment with another."""
    values = {
        "title": request.title,
        "description": request.description,
        "amount": str(request.amount),
    }
    for name in KIND_FIELDS.get(request.kind, []):
        value = getattr(request, name)
        values[name] = (
            value.name
            if hasattr(value, "name") and hasattr(value, "url")
            else ("" if value is None else str(value))
        )
    if request.kind == RequestKind.PURCHASE and request.pk is not None:
        rows = lines if lines is not None else request.lines.all()
        values["lines"] = "; ".join(
            f"{line.description} × {line.quantity:g} @ {line.unit_price}" for line in rows
        )
    return values


def field_label(name: str) -> str:
    if name == "lines":
        return str(_("line items"))
    return str(ApprovalRequest._meta.get_field(name).verbose_name)
