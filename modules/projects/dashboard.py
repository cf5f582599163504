"""Dashboard cards of the projects module: the person's open tasks, what is overdue
and at risk in the projects they see, and their hours this week. Nothing for
someone who sees no project; a constant handful of queries (selectors/dashboard.py)."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _


def _link(name: str) -> str:
    # The list pages belong to other parts of the module; a card without one is plain.
    try:
        return reverse(name)
    except NoReverseMatch:
        return ""


def project_cards(request) -> list[dict]:
    from modules.projects.selectors.dashboard import my_project_figures

    tenant = getattr(request, "tenant", None)
    user = request.user
    if tenant is None or not user.has_perm("projects.view_project"):
        return []
    figures = my_project_figures(user, tenant.today())
    if figures is None:
        return []
    projects = _link("admin:projects_project_changelist")
    cards = []
    if figures["has_employee"]:
        cards.append(
            {
                "title": _("My open tasks"),
                "value": figures["my_open"],
                "icon": "task_alt",
                "link": _link("admin:projects_my_tasks"),
            }
        )
    cards += [
        {
            "title": _("Overdue tasks in my projects"),
            "value": figures["overdue"],
            "icon": "event_busy",
            "link": projects,
        },
        {
            "title": _("Projects at risk"),
            "value": figures["at_risk"],
            "icon": "warning",
            "link": projects,
        },
        {
            "title": _("Projects off track"),
            "value": figures["off_track"],
            "icon": "report",
            "link": projects,
        },
    ]
    if figures["has_employee"]:
        cards.append(
            {
                "title": _("Hours logged this week"),
                "value": number_format(figures["hours_this_week"], 2),
                "icon": "schedule",
                "link": _link("admin:projects_timesheet"),
            }
        )
    return cards
