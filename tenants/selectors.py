"""Reads about companies and their people."""

from __future__ import annotations

from django.db.models import Count, OuterRef, Q, Subquery
from django.utils import timezone

from tenants.models import Invitation, Membership, Tenant


def active_memberships_for(*, user):
    """Every company this person can work in, across tenants (landlord read)."""
    return (
        Membership.all_tenants.filter(
            user=user,
            status=Membership.Status.ACTIVE,
            tenant__status=Tenant.Status.ACTIVE,
        )
        .select_related("tenant")
        .order_by("tenant__name")
    )


def other_workspaces_for(*, user, current: Tenant) -> list[Tenant]:
    return [m.tenant for m in active_memberships_for(user=user).exclude(tenant=current)]


def membership_in(*, user, tenant: Tenant) -> Membership | None:
    return (
        Membership.all_tenants.filter(user=user, tenant=tenant)
        .prefetch_related("role_grants")
        .first()
    )


def workspace_summary(*, tenant: Tenant) -> dict:
    members = Membership.objects.aggregate(
        active=Count("pk", filter=Q(status=Membership.Status.ACTIVE))
    )
    open_invitations = Invitation.objects.filter(
        accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
    ).count()
    return {"active_members": members["active"], "open_invitations": open_invitations}


def tenants_with_counts():
    """Landlord list of companies with their member counts, in one query."""
    members = (
        Membership.all_tenants.filter(tenant=OuterRef("pk"), status=Membership.Status.ACTIVE)
        .order_by()
        .values("tenant")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Tenant.objects.annotate(member_count=Subquery(members)).prefetch_related("domains")


def owners_of(*, tenant: Tenant):
    return Membership.all_tenants.filter(
        tenant=tenant, status=Membership.Status.ACTIVE, role_grants__role="owner"
    ).distinct()
