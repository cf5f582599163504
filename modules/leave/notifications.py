"""The notification types leave sends (the platform service delivers them)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from opsplatform.notifications.registry import NotificationType, register

MODULE = _("Leave")

BALANCE_ADJUSTED = "leave.balance_adjusted"

register(
    NotificationType(
        code=BALANCE_ADJUSTED,
        module=MODULE,
        label=_("My leave balance was adjusted"),
        title=_("Your %(leave_type)s balance was adjusted by %(amount)s"),
        body=_("%(actor)s adjusted it: %(reason)s"),
    ),
)
