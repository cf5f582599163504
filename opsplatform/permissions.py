"""Role predicates for ``rules``: who a user is in the current company.

Each module's ``rules.py`` combines these (and relation predicates of its own)
into permissions. The membership is looked up once per user object and tenant,
so a page that asks twenty permission questions costs one query.
"""

from __future__ import annotations

import rules

from opsplatform.tenancy.context import get_current_tenant
from tenants.roles import RoleCode

_CACHE_ATTR = "_tenancy_membership_cache"


def current_membership(user):
    """The user's active membership in the current tenant (roles prefetched), or None."""
    tenant = get_current_tenant()
    if tenant is None or user is None or not getattr(user, "is_authenticated", False):
        return None
    cache = user.__dict__.setdefault(_CACHE_ATTR, {})
    if tenant.pk not in cache:
        from tenants.models import Membership

        cache[tenant.pk] = (
            Membership.objects.filter(user_id=user.pk, status=Membership.Status.ACTIVE)
            .prefetch_related("role_grants")
            .first()
        )
    return cache[tenant.pk]


def per_user_cache(user, key: str, compute):
    """Memoise ``compute()`` on this user object for the current tenant.

    The user object lives for one request, so this is a per-request cache that
    permission predicates can share.
    """
    tenant = get_current_tenant()
    cache = user.__dict__.setdefault("_tenancy_values_cache", {})
    cache_key = (tenant.pk if tenant else None, key)
    if cache_key not in cache:
        cache[cache_key] = compute()
    return cache[cache_key]


def forget_membership(user) -> None:
    user.__dict__.pop(_CACHE_ATTR, None)
    user.__dict__.pop("_tenancy_values_cache", None)


def current_roles(user) -> set[str]:
    membership = current_membership(user)
    return membership.role_codes() if membership else set()


@rules.predicate
def is_member(user) -> bool:
    return current_membership(user) is not None


def has_role(*codes: str):
    wanted = frozenset(codes)
    name = "has_role:" + ",".join(sorted(wanted))

    @rules.predicate(name=name)
    def predicate(user) -> bool:
        return bool(current_roles(user) & wanted)

    return predicate


is_owner = has_role(RoleCode.OWNER)
is_ceo = has_role(RoleCode.CEO)
is_revenue_assurance = has_role(RoleCode.REVENUE_ASSURANCE)
is_finance = has_role(RoleCode.FINANCE)
is_hr = has_role(RoleCode.HR)
is_manager = has_role(RoleCode.MANAGER)
is_leadership = has_role(RoleCode.OWNER, RoleCode.CEO)
