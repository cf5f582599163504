"""The tenant dashboard. Each part of the product declares its card providers
in its ``module.py`` (``Module.cards``); a provider gets the request and returns
zero or more cards, so it can hide itself from people who may not see its figures."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from opsplatform.contract.declarations import resolve
from opsplatform.contract.features import module_enabled
from opsplatform.contract.registry import installed_modules

Card = dict


def dashboard_callback(request, context: dict) -> dict:
    tenant = getattr(request, "tenant", None)
    if tenant is None:
        return context
    cards: list[Card] = []
    for module in installed_modules():
        if module_enabled(module, tenant):
            for provider in module.cards:
                cards.extend(resolve(provider)(request))
    context["kpis"] = cards
    return context


def people_and_access(request) -> list[Card]:
    from opsplatform.permissions import current_membership
    from tenants.selectors import workspace_summary

    summary = workspace_summary(tenant=request.tenant)
    membership = current_membership(request.user)
    roles = (
        ", ".join(sorted(str(g.get_role_display()) for g in membership.role_grants.all()))
        if membership
        else ""
    )
    cards = [{"title": _("Your roles"), "value": roles or "-", "icon": "badge"}]
    if request.user.has_perm("tenants.view_membership"):
        cards.insert(
            0, {"title": _("Active members"), "value": summary["active_members"], "icon": "group"}
        )
    if request.user.has_perm("tenants.view_invitation"):
        cards.insert(
            1,
            {
                "title": _("Open invitations"),
                "value": summary["open_invitations"],
                "icon": "forward_to_inbox",
            },
        )
    return cards
