"""The notices projects send (docs/notifications.md).

A timesheet's submission, approval, return and rejection are the approvals
engine's notices (approvals.submitted / awaiting_decision / completed /
returned / rejected, shown with the week's hours): projects does not send them
twice. It adds what only it knows about tasks and a project's health.

Every sender passes the context keys its title and body name; ``url`` is the
task's (or the project's) page.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from opsplatform.notifications.registry import NotificationType, register

MODULE = _("Projects")

ASSIGNED = "projects.assigned"
DUE_TOMORROW = "projects.due_tomorrow"
OVERDUE = "projects.overdue"
MENTIONED = "projects.mentioned"
DONE = "projects.task_done"
HEALTH_WORSENED = "projects.health_worsened"

register(
    NotificationType(
        code=ASSIGNED,
        module=MODULE,
        label=_("A task was assigned to me"),
        title=_("%(reference)s was assigned to you"),
        body=_("%(actor)s assigned you %(title)s in %(project)s."),
    ),
    NotificationType(
        code=DUE_TOMORROW,
        module=MODULE,
        label=_("A task of mine is due tomorrow"),
        title=_("%(reference)s is due tomorrow"),
        body=_("%(title)s in %(project)s is due on %(due)s."),
    ),
    NotificationType(
        code=OVERDUE,
        module=MODULE,
        label=_("A task of mine is overdue"),
        title=_("%(reference)s is overdue"),
        body=_("%(title)s in %(project)s was due on %(due)s."),
    ),
    NotificationType(
        code=MENTIONED,
        module=MODULE,
        label=_("Someone mentioned me in a comment"),
        title=_("%(actor)s mentioned you on %(reference)s"),
        # The comment itself; a context lets a translator wrap it (quotes, direction).
        body=pgettext_lazy("notification body", "%(excerpt)s"),
    ),
    NotificationType(
        code=DONE,
        module=MODULE,
        label=_("A task I work on or follow was done"),
        title=_("%(reference)s is done"),
        body=_("%(actor)s moved %(title)s to %(column)s."),
    ),
    NotificationType(
        code=HEALTH_WORSENED,
        module=MODULE,
        label=_("The health of a project I manage worsened"),
        title=_("%(project)s is now %(health)s"),
        body=pgettext_lazy("notification body", "%(reason)s"),
        default_channels=frozenset({"in_app", "email", "live"}),
    ),
)
