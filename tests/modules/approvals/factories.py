"""Factories of the approvals module and its kinds' subjects, registered for the
crawlers (tests/factories.py)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from itertools import count

from django.core.files.base import ContentFile

from modules.approvals.kinds.payment import PaymentDetails
from modules.approvals.models import (
    ApprovalRequest,
    Attachment,
    Delegation,
    RequestKind,
    Route,
)
from tests.factories import MembershipFactory, marker, register, sample_upload


def make_approval_request(**fields) -> ApprovalRequest:
    """A draft purchase with one line, raised by a new member of the current tenant."""
    from modules.approvals import services

    requester = fields.pop("requester", None) or MembershipFactory().user
    lines = fields.pop(
        "lines",
        [{"description": marker("Item"), "quantity": Decimal(2), "unit_price": Decimal(50)}],
    )
    fields.setdefault("kind", RequestKind.PURCHASE)
    fields.setdefault("title", marker("Request"))
    if fields["kind"] == RequestKind.PURCHASE:
        fields.setdefault("vendor", marker("Vendor"))
    else:
        lines = []
    return services.request_create(user=requester, lines=lines, **fields)


_route_calls = count()


def make_route() -> Route:
    """A route for a kind that has none yet, with one gate."""
    from modules.approvals.kinds import kind_choices

    used = set(Route.objects.values_list("kind", flat=True))
    # Any registered kind (a module's own too): a test that crawls several times
    # in one database needs a route each time.
    free = [code for code, _label in kind_choices() if code not in used]
    if not free:  # one route per kind: every kind has one already
        return Route.objects.order_by("pk").first()
    # A different free kind on each call: two routes made at once (the limits'
    # race test, tests/opsplatform/billing/test_limits_race.py) see the same
    # free kinds and must not both take the first, or the kind's uniqueness
    # refuses the second before the plan's limit is asked.
    kind = free[next(_route_calls) % len(free)]
    route = Route.objects.create(kind=kind, name=marker("Route"))
    route.gates.create(name="Manager", approver_type="line_manager", position=0)
    return route


def make_delegation() -> Delegation:
    return Delegation.objects.create(
        principal=MembershipFactory(),
        deputy=MembershipFactory(),
        starts_on=date.today(),
        ends_on=date.today() + timedelta(days=7),
        note=marker("Holiday"),
    )


def make_attachment() -> Attachment:
    request = make_approval_request()
    name, content = sample_upload(Attachment._meta.get_field("file"))
    return Attachment.objects.create(
        request=request, uploaded_by=request.requester, file=ContentFile(content, name=name)
    )


register(ApprovalRequest)(lambda: make_approval_request())
register(Route)(make_route)
register(Delegation)(make_delegation)
# Not registered in the admin (the cross-tenant crawler never asks for it), but
# it holds a private file, which the file crawler walks.
register(Attachment)(make_attachment)


def make_payment_details(**fields) -> PaymentDetails:
    """A draft payment raised by a new member; its details row (the invoice is on it)."""
    fields.setdefault("payee", marker("Payee"))
    fields.setdefault("payment_amount", Decimal("100"))
    fields.setdefault("due_date", date.today())
    return make_approval_request(kind="payment", **fields).paymentdetails


# Not registered in the admin (the request's page shows it), but it holds the
# invoice, a private file, which the file crawler walks.
register(PaymentDetails)(make_payment_details)
