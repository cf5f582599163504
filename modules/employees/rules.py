"""Who sees and changes which people (the predicates; the reads behind them, such as
who reports to whom, are selectors: other modules use those, never this file).

- owners and HR run the people records;
- salary is seen by HR, finance and owners only;
- a manager sees their direct and indirect reports (no salary unless they are
  also HR, finance or an owner);
- everyone sees the organisation's shape (departments, positions, locations,
  schedules) and edits only their own contact details (self-service page).
"""

from __future__ import annotations

import rules

from modules.employees import selectors
from opsplatform.permissions import is_ceo, is_finance, is_hr, is_member, is_owner

has_reports = rules.predicate(selectors.has_reports)


@rules.predicate
def is_report(user, employee) -> bool:
    if employee is None:
        return True  # the question "may they see some employees?" — the list narrows it
    return selectors.is_manager_of(user, employee)


runs_people = is_owner | is_hr
sees_all_people = runs_people | is_ceo | is_finance

rules.add_perm("employees.view_employee", sees_all_people | (has_reports & is_report))
rules.add_perm("employees.add_employee", runs_people)
rules.add_perm("employees.change_employee", runs_people)
rules.add_perm("employees.delete_employee", runs_people)
rules.add_perm("employees.view_salary", is_owner | is_hr | is_finance)
rules.add_perm("employees.import_employee", runs_people)
# Cost rates price time logs: who runs people or money sees them (a line manager does not).
rules.add_perm("employees.view_cost_rate", is_owner | is_hr | is_finance | is_ceo)
rules.add_perm("employees.view_costrate", is_owner | is_hr | is_finance | is_ceo)
rules.add_perm("employees.add_costrate", runs_people)
rules.add_perm("employees.change_costrate", runs_people)
rules.add_perm("employees.delete_costrate", runs_people)

for model in ("department", "position", "worklocation", "workschedule"):
    rules.add_perm(f"employees.view_{model}", is_member)
    rules.add_perm(f"employees.add_{model}", runs_people)
    rules.add_perm(f"employees.change_{model}", runs_people)
    rules.add_perm(f"employees.delete_{model}", runs_people)

rules.add_perm("employees.view_employeedocument", runs_people)
rules.add_perm("employees.add_employeedocument", runs_people)
rules.add_perm("employees.change_employeedocument", runs_people)
rules.add_perm("employees.delete_employeedocument", runs_people)

rules.add_perm("employees.view_org_chart", is_member)
rules.add_perm("employees.view_own_profile", is_member)
