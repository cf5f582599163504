"""Who holds what: open assignments, a person's own, the overdue ones."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone

from modules.assets.models import Assignment
from modules.employees.selectors import my_employee

# "My assets" lists every open assignment and this many of the last returned.
RETURNED_SHOWN = 50


def open_assignments() -> QuerySet[Assignment]:
    return Assignment.objects.filter(returned_at__isnull=True).select_related(
        "asset", "asset__category", "employee", "department"
    )


def held_by(employee) -> QuerySet[Assignment]:
    """What ``employee`` holds now (a leaver's list at termination)."""
    return open_assignments().filter(employee=employee).order_by("asset__tag", "pk")


def overdue_assignments(today=None) -> QuerySet[Assignment]:
    """Held past their expected return date, the longest overdue first (a dashboard card)."""
    today = today or timezone.localdate()
    return open_assignments().filter(expected_return__lt=today).order_by("expected_return", "pk")


def my_assignments(user) -> tuple[list[Assignment], list[Assignment]]:
    """What the signed-in person holds now, and what they held before (the last
    ``RETURNED_SHOWN``), through their own employee record only. A login without
    a record holds nothing. Two queries whatever the number of rows."""
    me = my_employee(user)
    if me is None:
        return [], []
    mine = Assignment.objects.filter(employee_id=me.pk).select_related("asset", "asset__category")
    held = list(mine.filter(returned_at__isnull=True).order_by("-assigned_at", "-pk"))
    returned = list(
        mine.filter(returned_at__isnull=False).order_by("-returned_at", "-pk")[:RETURNED_SHOWN]
    )
    return held, returned
