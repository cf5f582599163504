"""The kernel's own place in the product: the two sites' first sidebar groups,
the dashboard link, sign-in security, and the people-and-access dashboard card."""

from django.utils.translation import gettext_lazy as _

from opsplatform.contract import LANDLORD, Feature, Limit, Module, SidebarGroup, SidebarItem

MODULE = Module(
    name="opsplatform",
    label=_("Platform"),
    groups=(
        SidebarGroup(key="workspace", title=_("Workspace"), order=10),
        SidebarGroup(key="platform", title=_("Platform"), order=10, site=LANDLORD),
    ),
    items=(
        SidebarItem(
            group="workspace", title=_("Dashboard"), icon="dashboard", url="admin:index", order=10
        ),
        SidebarItem(
            group="workspace",
            title=_("Sign-in security"),
            icon="lock",
            url="admin:account_security",
            order=50,
        ),
        SidebarItem(
            group="platform",
            title=_("Sign-in security"),
            icon="lock",
            url="admin:account_security",
            order=50,
            site=LANDLORD,
        ),
    ),
    cards=("opsplatform.admin.dashboard.people_and_access",),
    # A plan's flag for programmatic access: whatever serves the API lists its URL
    # names in ``urls`` (none yet; docs/billing.md, "Feature gating").
    features=(Feature(code="api", label=_("API access")),),
    # No rows use it up: every upload checks it (opsplatform/files/fields.py;
    # docs/billing.md, "File storage").
    limits=(
        Limit(
            code="files.storage_mb",
            label=_("File storage (MB)"),
            count="opsplatform.files.usage.stored_megabytes",
        ),
    ),
)
