"""The tenant workspace's header: company name, logo and the company switcher."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _


def site_title(request) -> str:
    tenant = getattr(request, "tenant", None)
    return tenant.name if tenant is not None else _("Workspace")


def site_subheader(request) -> str:
    tenant = getattr(request, "tenant", None)
    return tenant.slug if tenant is not None else ""


def site_logo(request):
    tenant = getattr(request, "tenant", None)
    if tenant is not None and tenant.logo:
        return tenant.logo.url
    return None


def company_switcher(request) -> list[dict]:
    """The other companies this person belongs to, each a link that signs them in there."""
    from tenants.selectors import other_workspaces_for

    user = getattr(request, "user", None)
    tenant = getattr(request, "tenant", None)
    if tenant is None or user is None or not user.is_authenticated:
        return []
    return [
        {
            "title": other.name,
            "link": reverse("tenant-switch", args=[other.slug]),
            "icon": "swap_horiz",
        }
        for other in other_workspaces_for(user=user, current=tenant)
    ]
