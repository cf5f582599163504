"""The tenant dashboard's figures. Modules add cards as they arrive."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


def dashboard_callback(request, context: dict) -> dict:
    from tenants.selectors import workspace_summary

    tenant = getattr(request, "tenant", None)
    if tenant is None:
        return context
    summary = workspace_summary(tenant=tenant)
    context["kpis"] = [
        {"title": _("Active members"), "value": summary["active_members"], "icon": "group"},
        {
            "title": _("Open invitations"),
            "value": summary["open_invitations"],
            "icon": "forward_to_inbox",
        },
        {"title": _("Your roles"), "value": summary_roles(request), "icon": "badge"},
    ]
    return context


def summary_roles(request) -> str:
    from opsplatform.permissions import current_membership

    membership = current_membership(request.user)
    if membership is None:
        return "-"
    labels = sorted(str(grant.get_role_display()) for grant in membership.role_grants.all())
    return ", ".join(labels) or "-"
