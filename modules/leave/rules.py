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

# Moving leave data in and out, and adjusting balances in bulk: the people who run
# leave. Managers see their team on the calendar and the request list, not in files
# of balances and ledgers (docs/leave.md, "Importing, exporting and bulk adjustments").
rules.add_perm("leave.import_leave_data", runs_leave)
rules.add_perm("leave.export_leave_data", runs_leave)
rules.add_perm("leave.adjust_balances", runs_leave)
