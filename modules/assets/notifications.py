"""The notices assets sends (docs/notifications.md): a warranty about to end and a
work order due or overdue, to the people who keep the register (finance, owners,
the CEO). The daily sweep sends them (services/alerts.py), each once."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from opsplatform.notifications.registry import NotificationType, register

MODULE = _("Assets")

WARRANTY_ENDING = "assets.warranty_ending"
MAINTENANCE_DUE = "assets.maintenance_due"
MAINTENANCE_OVERDUE = "assets.maintenance_overdue"
# How far ahead the keepers hear that a warranty ends, and that a work order is due.
WARRANTY_NOTICE_DAYS = 30
DUE_NOTICE_DAYS = 7

register(
    NotificationType(
        code=WARRANTY_ENDING,
        module=MODULE,
        label=_("An asset's warranty is about to end"),
        title=_("The warranty of %(asset)s ends on %(date)s"),
        body=_("Claim anything it covers before then."),
    ),
    NotificationType(
        code=MAINTENANCE_DUE,
        module=MODULE,
        label=_("A work order is due"),
        title=_("%(title)s on %(asset)s is due on %(date)s"),
        body=_("Start it from the work order's page when the asset goes in."),
    ),
    NotificationType(
        code=MAINTENANCE_OVERDUE,
        module=MODULE,
        label=_("A work order is overdue"),
        title=_("%(title)s on %(asset)s is overdue since %(date)s"),
        body=_("Start it, or cancel it if it is no longer needed."),
    ),
)
