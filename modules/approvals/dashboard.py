"""Dashboard cards of approvals: what awaits me, my open requests, and (for those
who see every request) how many are stuck past their SLA."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def approval_cards(request) -> list[dict]:
    from modules.approvals.models import OPEN_STATUSES, ApprovalRequest
    from modules.approvals.selectors import inbox_count, stuck_steps

    user = request.user
    if not user.has_perm("approvals.view_approvalrequest"):
        return []
    cards = [
        {
            "title": _("Awaiting your decision"),
            "value": inbox_count(user),
            "icon": "inbox",
            "link": reverse("admin:approvals_inbox"),
        },
        {
            "title": _("My open requests"),
            "value": ApprovalRequest.objects.filter(
                requester_id=user.pk, status__in=OPEN_STATUSES
            ).count(),
            "icon": "request_quote",
            "link": reverse("admin:approvals_approvalrequest_changelist") + "?mine=yes",
        },
    ]
    if user.has_perm("approvals.change_route"):
        cards.append(
            {
                "title": _("Requests past their SLA"),
                "value": stuck_steps().count(),
                "icon": "running_with_errors",
                "link": reverse("admin:approvals_approvalrequest_changelist") + "?stuck=yes",
            }
        )
    return cards
