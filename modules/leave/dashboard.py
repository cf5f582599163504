"""Dashboard cards of the leave module: who is off today, for managers and HR."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def leave_cards(request) -> list[dict]:
    from modules.leave.selectors.calendar import off_today_count

    user = request.user
    if not user.has_perm("leave.view_team_leave"):
        return []
    return [
        {
            "title": _("Off today"),
            "value": off_today_count(user, timezone.localdate()),
            "icon": "beach_access",
            "link": reverse("admin:leave_calendar"),
        }
    ]
