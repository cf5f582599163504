"""The tenant dashboard. Modules add cards with :func:`register_card` (in their
AppConfig.ready); each card function gets the request and returns zero or more
cards, so it can hide itself from people who may not see its figures."""

from __future__ import annotations

from collections.abc import Callable

from django.utils.translation import gettext_lazy as _

Card = dict
CARD_PROVIDERS: list[Callable[[object], list[Card]]] = []


def register_card(provider: Callable[[object], list[Card]]) -> Callable:
    if provider not in CARD_PROVIDERS:
        CARD_PROVIDERS.append(provider)
    return provider


def dashboard_callback(request, context: dict) -> dict:
    if getattr(request, "tenant", None) is None:
        return context
    cards: list[Card] = []
    for provider in CARD_PROVIDERS:
        cards.extend(provider(request))
    context["kpis"] = cards
    return context


@register_card
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
