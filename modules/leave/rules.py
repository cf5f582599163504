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


@rules.predicate
def has_employee_record(user) -> bool:
    from modules.employees.selectors import my_employee

    return my_employee(user) is not None


# The request page: every member with an employee record; HR names someone else.
rules.add_perm("leave.request_leave", is_member & has_employee_record)
rules.add_perm("leave.request_for_others", runs_leave)
# Cancelling granted leave after it started (the person may before it starts).
rules.add_perm("leave.cancel_any_leave", runs_leave)
