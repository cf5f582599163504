"""Links leave adds to other parts' record pages (declared in module.py)."""

from __future__ import annotations

from django.urls import reverse


def balance_url(employee) -> str:
    return reverse("admin:leave_employee_balance", args=[employee.pk])


def may_see_balance(request, employee) -> bool:
    # The same rule as the balance page itself (rules.py, leave.view_balance).
    return request.user.has_perm("leave.view_balance", employee)
