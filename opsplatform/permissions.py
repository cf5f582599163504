"""Role predicates for ``rules``: who a user is in the current company.

Each module's ``rules.py`` combines these (and relation predicates of its own)
into permissions. The membership and its roles are looked up once per request
(:class:`MemberContext`), so a page that asks twenty permission questions costs
one query.
"""

from __future__ import annotations

import rules
from django.db.models import F
from django.utils.functional import LazyObject, empty

from opsplatform.tenancy.context import get_current_tenant
from tenants.roles import RoleCode

_CONTEXT_ATTR = "_member_context"


class MemberContext:
    """Who a user is in one company, for one request: the membership, its roles,
    and values worked out from them (the deputies lookup, the inbox count...).

    Kept on the real user object, which lives for one request. ``request.user``
    is a lazy wrapper (two, with two-factor's middleware): keying on the wrapper
    fetched the membership once for the wrapper and again for the user that
    permission backends receive.
    """

    __slots__ = ("membership", "roles", "values")

    def __init__(self, membership):
        self.membership = membership
        grants = membership.role_grants.all() if membership is not None else ()
        self.roles = frozenset(grant.role for grant in grants)
        self.values: dict = {}


def real_user(user):
    """The user object behind ``request.user``'s lazy wrappers."""
    while isinstance(user, LazyObject):
        if user._wrapped is empty:
            user._setup()
        user = user._wrapped
    return user


def member_context(user) -> MemberContext | None:
    """This request's context for ``user`` in the current tenant (one query the first time)."""
    tenant = get_current_tenant()
    if tenant is None or user is None or not getattr(user, "is_authenticated", False):
        return None
    user = real_user(user)
    contexts = user.__dict__.setdefault(_CONTEXT_ATTR, {})
    if tenant.pk not in contexts:
        contexts[tenant.pk] = MemberContext(_active_membership(user.pk))
    return contexts[tenant.pk]


def _active_membership(user_id: int):
    """The active membership with its role grants, in one query (a row per grant)."""
    from tenants.models import Membership, RoleGrant

    rows = list(
        Membership.objects.filter(user_id=user_id, status=Membership.Status.ACTIVE)
        .annotate(grant_id=F("role_grants__id"), grant_role=F("role_grants__role"))
        .order_by("grant_id")
    )
    if not rows:
        return None
    membership = rows[0]
    grants = [
        RoleGrant(pk=row.grant_id, tenant_id=membership.tenant_id, role=row.grant_role)
        for row in rows
        if row.grant_id is not None
    ]
    for grant in grants:
        grant.membership = membership
    # What prefetch_related("role_grants") would leave: role_grants.all() asks no query.
    membership._prefetched_objects_cache = {"role_grants": _prefetched(membership, grants)}
    return membership


def _prefetched(membership, grants):
    queryset = membership.role_grants.all()
    queryset._result_cache = grants
    queryset._prefetch_done = True
    return queryset


def current_membership(user):
    """The user's active membership in the current tenant (roles prefetched), or None."""
    context = member_context(user)
    return context.membership if context else None


def per_user_cache(user, key: str, compute):
    """Memoise ``compute()`` for this request's user in the current tenant.

    Shared by permission predicates, the sidebar's badges and the pages.
    """
    context = member_context(user)
    if context is None:
        # No tenant or nobody signed in: nothing is shared, work it out each time.
        return compute()
    if key not in context.values:
        context.values[key] = compute()
    return context.values[key]


def forget_membership(user) -> None:
    """Drop what this request worked out about ``user`` (their roles just changed)."""
    real_user(user).__dict__.pop(_CONTEXT_ATTR, None)


def current_roles(user) -> frozenset[str]:
    context = member_context(user)
    return context.roles if context else frozenset()


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
