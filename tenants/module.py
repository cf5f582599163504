"""Companies, people and access in the product: members and invitations in the
workspace, companies, domains and users for platform staff, and the seat count
a plan can cap."""

from django.utils.translation import gettext_lazy as _

from opsplatform.contract import (
    LANDLORD,
    ActivityKind,
    Feature,
    Limit,
    Module,
    SidebarGroup,
    SidebarItem,
)


def active_members(tenant) -> int:
    """Seats in use: active members of ``tenant`` plus its open invitations (called
    in its context). An invitation holds its seat until it is accepted, revoked
    or expires, so a company cannot invite past its plan (docs/billing.md)."""
    from tenants.selectors import workspace_summary

    summary = workspace_summary(tenant=tenant)
    return summary["active_members"] + summary["open_invitations"]


def takes_a_seat(row) -> bool:
    """A new active membership, or a new open invitation."""
    from tenants.models import Membership

    if isinstance(row, Membership):
        return row.status == Membership.Status.ACTIVE
    return row.accepted_at is None and row.revoked_at is None


MODULE = Module(
    name="tenants",
    label=_("People and access"),
    groups=(SidebarGroup(key="access", title=_("People and access"), order=90, collapsible=False),),
    items=(
        SidebarItem(
            group="access",
            title=_("Members"),
            icon="group",
            url="admin:tenants_membership_changelist",
            order=10,
            permission="tenants.view_membership",
        ),
        SidebarItem(
            group="access",
            title=_("Invitations"),
            icon="forward_to_inbox",
            url="admin:tenants_invitation_changelist",
            order=20,
            permission="tenants.view_invitation",
        ),
        SidebarItem(
            group="platform",
            title=_("Companies"),
            icon="apartment",
            url="admin:tenants_tenant_changelist",
            order=10,
            site=LANDLORD,
        ),
        SidebarItem(
            group="platform",
            title=_("Domains"),
            icon="language",
            url="admin:tenants_domain_changelist",
            order=20,
            site=LANDLORD,
        ),
        SidebarItem(
            group="platform",
            title=_("Users"),
            icon="person",
            url="admin:tenants_user_changelist",
            order=30,
            site=LANDLORD,
        ),
    ),
    # A host outside the platform's base domain (acme.com rather than acme.<base>)
    # needs the plan's flag (Domain.clean).
    features=(Feature(code="custom_domains", label=_("Custom domains")),),
    limits=(
        Limit(
            code="tenants.members",
            label=_("Members and open invitations"),
            count=active_members,
            consumed_by=("tenants.Membership", "tenants.Invitation"),
            consumes=takes_a_seat,
        ),
    ),
    activity=(
        ActivityKind(code="tenants.member_joined", label=_("A member joined")),
        ActivityKind(code="tenants.invitation_sent", label=_("An invitation was sent")),
    ),
)
