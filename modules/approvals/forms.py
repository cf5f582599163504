"""The request form's checks that need more than one field: the amount must fit its column.

``amount`` is computed (a VAS's monthly cost × its term, a purchase's lines);
each part can fit its own column while the product does not, which would
reach the database as an overflow. Here it is a form error on the field the
person typed.
"""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from modules.approvals.kinds import AMOUNT_FIELD, AMOUNT_LIMIT, computed_amount
from modules.approvals.models import RequestKind
from opsplatform.tenancy.context import require_current_tenant

TOO_LARGE = _("The total comes to more than %(limit)s, the largest amount a request can carry.")


def _too_large() -> ValidationError:
    return ValidationError(
        TOO_LARGE, code="amount_too_large", params={"limit": f"{AMOUNT_LIMIT:,}"}
    )


class ApprovalRequestForm(forms.ModelForm):
    def clean(self):
        cleaned = super().clean()
        kind = self.instance.kind or getattr(self, "request_kind", "")
        if kind and kind != RequestKind.PURCHASE and not self.errors:
            probe = self.instance.__class__(kind=kind)
            for name, value in cleaned.items():
                if hasattr(probe, name) and not name.startswith("_"):
                    setattr(probe, name, value)
            tenant = require_current_tenant()
            amount = computed_amount(probe, company_currency=tenant.currency)
            if amount > AMOUNT_LIMIT:
                self.add_error(AMOUNT_FIELD.get(kind), _too_large())
        return cleaned


class PurchaseLineFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        total = Decimal("0")
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            if not data or data.get("DELETE"):
                continue
            line = (data.get("quantity") or 0) * (data.get("unit_price") or 0)
            if line > AMOUNT_LIMIT:
                form.add_error("unit_price", _too_large())
            total += line
        if total > AMOUNT_LIMIT:
            raise _too_large()
