"""Reads about companies and their people."""

from __future__ import annotations

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.expressions import RawSQL
from django.utils import timezone

from opsplatform.tenancy.rls import is_postgres
from tenants.models import Invitation, Membership, Tenant


def memberships_of_user(*, user) -> list[Membership]:
    """Every membership this person holds, in every company.

    The one read of a person's companies that crosses tenants. On PostgreSQL
    it is a SECURITY DEFINER function (opsplatform.tenancy.rls), since the
    application's role sees one tenant at a time.
    """
    if user is None or user.pk is None:
        return []
    if is_postgres():
        return list(
            Membership.all_tenants.raw(
                "SELECT * FROM public.ops_memberships_of_user(%s)", [user.pk]
            )
        )
    return list(Membership.all_tenants.filter(user_id=user.pk))


def workspaces_for(*, user) -> list[Tenant]:
    """The active companies in which this person is an active member, by name (one query:
    every page's header asks it, for the company switcher)."""
    if user is None or user.pk is None:
        return []
    active = Membership.Status.ACTIVE
    if is_postgres():
        member_of = RawSQL(
            "SELECT tenant_id FROM public.ops_memberships_of_user(%s) WHERE status = %s",
            [user.pk, active],
        )
    else:
        member_of = Membership.all_tenants.filter(user_id=user.pk, status=active).values(
            "tenant_id"
        )
    return list(
        Tenant.objects.filter(pk__in=member_of, status=Tenant.Status.ACTIVE).order_by("name")
    )


def other_workspaces_for(*, user, current: Tenant) -> list[Tenant]:
    return [tenant for tenant in workspaces_for(user=user) if tenant.pk != current.pk]


def workspace_summary(*, tenant: Tenant) -> dict:
    members = Membership.objects.aggregate(
        active=Count("pk", filter=Q(status=Membership.Status.ACTIVE))
    )
    open_invitations = Invitation.objects.filter(
        accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
    ).count()
    return {"active_members": members["active"], "open_invitations": open_invitations}


def tenants_with_counts():
    """Landlord list of companies with their active member counts, in one query."""
    if is_postgres():
        # Through the owner's narrow counting function: the landlord's
        # connection is scoped to no tenant and reads no membership rows.
        members = RawSQL(
            f"public.ops_active_member_count({Tenant._meta.db_table}.id)",
            [],
            output_field=IntegerField(),
        )
    else:
        members = Subquery(
            Membership.all_tenants.filter(tenant=OuterRef("pk"), status=Membership.Status.ACTIVE)
            .order_by()
            .values("tenant")
            .annotate(n=Count("pk"))
            .values("n")
        )
    return Tenant.objects.annotate(member_count=members).prefetch_related("domains")
