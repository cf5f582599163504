"""Dashboard cards of the employees module."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def people_cards(request) -> list[dict]:
    from modules.employees.models import Employee
    from modules.employees.selectors import expiring_documents

    cards = []
    if request.user.has_perm("employees.view_employee"):
        from modules.employees.rules import sees_all_people

        if sees_all_people.test(request.user):
            headcount = Employee.objects.exclude(status=Employee.Status.TERMINATED).count()
            cards.append(
                {
                    "title": _("Headcount"),
                    "value": headcount,
                    "icon": "badge",
                    "link": reverse("admin:employees_employee_changelist"),
                }
            )
    if request.user.has_perm("employees.view_employeedocument"):
        cards.append(
            {
                "title": _("Documents expiring soon"),
                "value": expiring_documents().count(),
                "icon": "event_busy",
                "link": reverse("admin:employees_employeedocument_changelist"),
            }
        )
    return cards
