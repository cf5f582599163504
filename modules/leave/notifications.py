"""The notices leave sends itself (docs/notifications.md).

A leave request's submission, approval and rejection are the engine's notices
(approvals.submitted / awaiting_decision / completed / rejected, shown with the
leave's days): leave does not send them twice. It adds what the engine cannot
know: granted leave cancelled, a manager's "off tomorrow", and a balance
adjusted by HR.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from opsplatform.notifications.registry import NotificationType, register

MODULE = _("Leave")

CANCELLED = "leave.cancelled"
OFF_TOMORROW = "leave.team_off_tomorrow"
BALANCE_ADJUSTED = "leave.balance_adjusted"
CARRIED_EXPIRING = "leave.carried_expiring"
# How far ahead people hear that carried-forward days will expire.
CARRIED_NOTICE_DAYS = 30

register(
    NotificationType(
        code=CANCELLED,
        module=MODULE,
        label=_("Granted leave was cancelled"),
        title=_("%(reference)s was cancelled"),
        body=_("%(actor)s cancelled %(title)s; %(credit)s came back to the balance."),
    ),
    NotificationType(
        code=OFF_TOMORROW,
        module=MODULE,
        label=_("Someone in my team is off tomorrow"),
        title=_("%(name)s is off tomorrow"),
        body=_("%(name)s is on %(type)s until %(end)s."),
    ),
    NotificationType(
        code=BALANCE_ADJUSTED,
        module=MODULE,
        label=_("My leave balance was adjusted"),
        title=_("Your %(leave_type)s balance was adjusted by %(amount)s"),
        body=_("%(actor)s adjusted it: %(reason)s"),
    ),
    NotificationType(
        code=CARRIED_EXPIRING,
        module=MODULE,
        label=_("My carried-forward leave is about to expire"),
        title=_("Carried-forward %(leave_type)s expires on %(date)s"),
        body=_(
            "What is left of the days carried into this year expires then: take them before, or they are lost."
        ),
    ),
)
