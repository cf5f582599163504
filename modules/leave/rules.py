"""Who sets leave up and who reads what (the predicates).

- owners and HR run leave: types, policies, holidays, blackouts, balances;
- everyone sees the leave types, holiday calendars and blackout periods that
  apply to them (they are shown on the request form);
- the ledger's rows are written by services only: nobody adds, changes or
  deletes them through a screen.
"""

from __future__ import annotations

import rules

from opsplatform.permissions import is_hr, is_member, is_owner

runs_leave = is_owner | is_hr

for model in (
    "leavetype",
    "leavepolicy",
    "accrualmilestone",
    "policyassignment",
    "holidaycalendar",
    "holiday",
    "blackoutperiod",
):
    rules.add_perm(
        f"leave.view_{model}",
        is_member
        if model in ("leavetype", "holidaycalendar", "holiday", "blackoutperiod")
        else runs_leave,
    )
    rules.add_perm(f"leave.add_{model}", runs_leave)
    rules.add_perm(f"leave.change_{model}", runs_leave)
    rules.add_perm(f"leave.delete_{model}", runs_leave)

rules.add_perm("leave.view_ledgerentry", runs_leave)
# Adjustments and reversals of a balance (services/adjustments.py); never a plain edit.
rules.add_perm("leave.adjust_balance", runs_leave)

# -- what people see: requests, balances, the team calendar (selectors/visibility.py) --

from modules.employees.selectors import my_employee  # noqa: E402
from modules.leave.selectors import visibility  # noqa: E402

sees_a_team = rules.predicate(visibility.sees_a_team)


@rules.predicate
def has_employee_record(user) -> bool:
    return my_employee(user) is not None


@rules.predicate
def can_see_leave_request(user, leave_request) -> bool:
    if leave_request is None:
        return True  # "may they see some?": the list narrows it
    return visibility.visible_leave_requests(user).filter(pk=leave_request.pk).exists()


@rules.predicate
def can_see_balance(user, employee) -> bool:
    if employee is None:
        return True
    return visibility.may_see_balance(user, employee)


# The request list and the calendar are for managers and those who see everyone;
# a person's own requests are on "My leave". Requests are read-only here: they
# are made on the request page and decided in the approvals inbox.
rules.add_perm("leave.view_leaverequest", is_member & sees_a_team & can_see_leave_request)
rules.add_perm("leave.view_team_leave", is_member & sees_a_team)
rules.add_perm("leave.view_own_leave", is_member & has_employee_record)
rules.add_perm(
    "leave.view_balance",
    is_member & (has_employee_record | runs_leave | sees_a_team) & can_see_balance,
)


# The request page: every member with an employee record; HR names someone else.
rules.add_perm("leave.request_leave", is_member & has_employee_record)
rules.add_perm("leave.request_for_others", runs_leave)
# Cancelling granted leave after it started (the person may before it starts).
rules.add_perm("leave.cancel_any_leave", runs_leave)
# Moving leave data in and out, and adjusting balances in bulk: the people who run
# leave. Managers see their team on the calendar and the request list, not in files
# of balances and ledgers (docs/leave.md, "Importing, exporting and bulk adjustments").
rules.add_perm("leave.import_leave_data", runs_leave)
rules.add_perm("leave.export_leave_data", runs_leave)
rules.add_perm("leave.adjust_balances", runs_leave)
