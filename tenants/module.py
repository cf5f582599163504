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
    """Seats in use: active members of ``tenant`` (called in its context)."""
    from tenants.selectors import workspace_summary

    return workspace_summary(tenant=tenant)["active_members"]


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
    limits=(Limit(code="tenants.members", label=_("Active members"), count=active_members),),
    activity=(
        ActivityKind(code="tenants.member_joined", label=_("A member joined")),
        ActivityKind(code="tenants.invitation_sent", label=_("An invitation was sent")),
    ),
)
