"""Purchase: goods or services from a vendor, item by item.

Its amount is the sum of its lines, which the request page edits inline.
"""

from __future__ import annotations

from decimal import Decimal
from functools import cache

from django.core.validators import MinValueValidator
from django.db import models
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from modules.approvals.kinds.base import ZERO, RequestKindSpec, RequestSubject
from modules.approvals.kinds.payment import ROUTE_WITH_CEO_ABOVE_10000
from modules.approvals.kinds.registry import register_kind
from modules.approvals.models import MONEY, ApprovalRequest, RequestKind
from opsplatform.tenancy.models import TenantModel


class PurchaseDetails(RequestSubject):
    vendor = models.CharField(_lazy("vendor"), max_length=200, blank=True)

    class Meta:
        verbose_name = _lazy("purchase details")
        verbose_name_plural = _lazy("purchase details")


class PurchaseLine(TenantModel):
    # On the request itself (not the details), so the request page edits the lines inline.
    request = models.ForeignKey(
        ApprovalRequest,
        on_delete=models.CASCADE,
        related_name="lines",
        verbose_name=_lazy("request"),
    )
    description = models.CharField(_lazy("item"), max_length=200)
    quantity = models.DecimalField(
        _lazy("quantity"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    unit_price = models.DecimalField(
        _lazy("unit price"), **MONEY, validators=[MinValueValidator(0)]
    )

    class Meta:
        verbose_name = _lazy("line item")
        verbose_name_plural = _lazy("line items")
        ordering = ["pk"]
        indexes = [models.Index(fields=["tenant", "request"], name="purchaseline_request")]

    def __str__(self):
        return self.description

    @property
    def total(self) -> Decimal:
        return (self.quantity or 0) * (self.unit_price or 0)


class PurchaseLineFormSet(BaseInlineFormSet):
    """Each line and the total must fit the request's amount column."""

    def clean(self):
        from modules.approvals.forms import too_large
        from modules.approvals.kinds.amounts import AMOUNT_LIMIT

        super().clean()
        total = Decimal("0")
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            if not data or data.get("DELETE"):
                continue
            line = (data.get("quantity") or 0) * (data.get("unit_price") or 0)
            if line > AMOUNT_LIMIT:
                form.add_error("unit_price", too_large())
            total += line
        if total > AMOUNT_LIMIT:
            raise too_large()


@cache
def purchase_line_inline():
    # Built on first use: the admin base is not imported while models load.
    from unfold.decorators import display

    from opsplatform.admin.base import TenantTabularInline

    class PurchaseLineInline(TenantTabularInline):
        model = PurchaseLine
        formset = PurchaseLineFormSet
        fields = ["description", "quantity", "unit_price", "line_total"]
        readonly_fields = ["line_total"]
        extra = 1

        @display(description=_lazy("total"))
        def line_total(self, obj):
            return f"{obj.total:,.2f}" if obj.pk else "—"

        # Lines change with the request: only while its requester may edit it.
        def has_add_permission(self, request, obj=None):
            return request.user.has_perm("approvals.change_approvalrequest", obj)

        def has_change_permission(self, request, obj=None):
            return request.user.has_perm("approvals.change_approvalrequest", obj)

        def has_delete_permission(self, request, obj=None):
            return request.user.has_perm("approvals.change_approvalrequest", obj)

    return PurchaseLineInline


@register_kind
class PurchaseKind(RequestKindSpec):
    code = RequestKind.PURCHASE
    label = RequestKind.PURCHASE.label
    prefix = "PUR"
    icon = "shopping_cart"
    help_text = _lazy("Goods or services from a vendor, item by item.")
    subject_model = PurchaseDetails
    fields = ["vendor"]
    # The lines carry the amount; errors about it go next to the vendor.
    amount_field = "vendor"
    search_fields = ["vendor"]
    default_route = ROUTE_WITH_CEO_ABOVE_10000

    def lines_of(self, approval):
        return approval.lines.all() if approval.pk is not None else []

    def amount(self, subject, *, approval, company_currency, lines=None):
        rows = lines if lines is not None else self.lines_of(approval)
        return sum((line.total for line in rows), ZERO)

    def completeness_errors(self, subject, *, approval, company_currency):
        if approval.pk is None or not approval.lines.exists():
            return {"vendor": _("Add at least one line item before submitting.")}
        return {}

    def snapshot(self, subject, *, approval, lines=None):
        values = super().snapshot(subject, approval=approval)
        if approval.pk is not None:
            rows = lines if lines is not None else approval.lines.all()
            values["lines"] = "; ".join(
                f"{line.description} × {line.quantity:g} @ {line.unit_price}" for line in rows
            )
        return values

    def field_label(self, name):
        if name == "lines":
            return str(_lazy("line items"))
        return super().field_label(name)

    def admin_inlines(self):
        return [purchase_line_inline()]
