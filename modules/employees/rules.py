"""Who sees and changes which people.

- owners and HR run the people records;
- salary is seen by HR, finance and owners only;
- a manager sees their direct and indirect reports (no salary unless they are
  also HR, finance or an owner);
- everyone sees the organisation's shape (departments, positions, locations,
  schedules) and edits only their own contact details (self-service page).
"""

from __future__ import annotations

import rules

from opsplatform.permissions import is_ceo, is_finance, is_hr, is_member, is_owner, per_user_cache


def my_employee(user):
    from modules.employees.selectors import employee_for_user

    return per_user_cache(user, "employee", lambda: employee_for_user(user))


def my_report_ids(user) -> set[int]:
    from modules.employees.selectors import report_ids

    def compute():
        me = my_employee(user)
        return report_ids(me.pk) if me is not None else set()

    return per_user_cache(user, "report_ids", compute)


def my_reports(user):
    """My direct and indirect reports as a subquery for ``pk__in=`` (None: I have no
    record). A big team stays in the database instead of a list of ids."""
    from modules.employees.selectors import reports_of

    me = my_employee(user)
    return reports_of(me.pk) if me is not None else None


@rules.predicate
def has_reports(user) -> bool:
    from modules.employees.selectors import manages_anyone

    def compute():
        me = my_employee(user)
        return me is not None and manages_anyone(me.pk)

    return per_user_cache(user, "has_reports", compute)


@rules.predicate
def is_report(user, employee) -> bool:
    if employee is None:
        return True  # the question "may they see some employees?" — the list narrows it
    from modules.employees.selectors import reports_to

    # Walk up from the one person (as deep as the line) rather than down the whole team.
    me = my_employee(user)
    return me is not None and per_user_cache(
        user, f"reports_to:{employee.pk}", lambda: reports_to(employee.pk, me.pk)
    )


@rules.predicate
def is_self(user, employee) -> bool:
    me = my_employee(user)
    return employee is not None and me is not None and me.pk == employee.pk


runs_people = is_owner | is_hr
sees_all_people = runs_people | is_ceo | is_finance

rules.add_perm("employees.view_employee", sees_all_people | (has_reports & is_report))
rules.add_perm("employees.add_employee", runs_people)
rules.add_perm("employees.change_employee", runs_people)
rules.add_perm("employees.delete_employee", runs_people)
rules.add_perm("employees.view_salary", is_owner | is_hr | is_finance)
rules.add_perm("employees.import_employee", runs_people)

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
