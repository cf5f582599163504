"""Who reaches billing: a company's owners and finance."""

from __future__ import annotations

from opsplatform.permissions import has_role
from tenants.roles import RoleCode

is_owner_or_finance = has_role(RoleCode.OWNER, RoleCode.FINANCE)


def sees_billing(request) -> bool:
    return getattr(request, "tenant", None) is not None and is_owner_or_finance(request.user)


# The plan itself (subscribe, change, cancel, resume) is the owner's decision;
# finance sees the page and the invoices and keeps the cards and tax details.
is_owner = has_role(RoleCode.OWNER)


def decides_plan(request) -> bool:
    return sees_billing(request) and is_owner(request.user)
