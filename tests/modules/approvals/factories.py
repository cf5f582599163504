"""Factories for approvals' kind subjects (registered into the crawlers' registry)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from modules.approvals.kinds.payment import PaymentDetails
from tests.factories import make_approval_request, marker, register


def make_payment_details(**fields) -> PaymentDetails:
    """A draft payment raised by a new member; its details row (the invoice is on it)."""
    fields.setdefault("payee", marker("Payee"))
    fields.setdefault("payment_amount", Decimal("100"))
    fields.setdefault("due_date", date.today())
    return make_approval_request(kind="payment", **fields).paymentdetails


# Not registered in the admin (the request's page shows it), but it holds the
# invoice, a private file, which the file crawler walks.
register(PaymentDetails)(make_payment_details)
