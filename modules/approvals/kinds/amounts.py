"""What the engine reads from any kind: the amount, the snapshot, field labels."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from modules.approvals.kinds.registry import get_kind

CENT = Decimal("0.01")
# The largest amount the request's ``amount`` column holds (14 digits, 2 after the point).
AMOUNT_LIMIT = Decimal(10) ** 12 - CENT

_ENGINE_FIELDS = {"title", "description", "amount"}


def computed_amount(approval, subject, *, company_currency: str, lines=None) -> Decimal:
    spec = get_kind(approval.kind)
    if spec is None:
        return Decimal("0")
    amount = spec.amount(subject, approval=approval, company_currency=company_currency, lines=lines)
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def snapshot(approval, subject=None, lines=None) -> dict[str, str]:
    """The fields a reviewer reads, as text, to compare one moment with another."""
    values = {
        "title": approval.title,
        "description": approval.description,
        "amount": str(approval.amount),
    }
    spec = get_kind(approval.kind)
    if spec is not None:
        if subject is None:
            subject = spec.subject_of(approval)
        values.update(spec.snapshot(subject, approval=approval, lines=lines))
    return values


def field_label(name: str, kind: str = "") -> str:
    from modules.approvals.models import ApprovalRequest

    if name in _ENGINE_FIELDS:
        return str(ApprovalRequest._meta.get_field(name).verbose_name)
    spec = get_kind(kind)
    return spec.field_label(name) if spec is not None else name


def kind_label(code: str) -> str:
    spec = get_kind(code)
    return str(spec.label) if spec is not None else (code or _("Request"))
