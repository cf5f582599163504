"""Permissions of the projects module (the predicates are selectors/visibility.py).

Model permissions answer "may they see or do this at all": the screens narrow
to the rows (visible_projects, visible_tasks) and ask the object-level question
(may_manage, may_work_on) for the one in hand.
"""

from __future__ import annotations

import rules

from modules.employees.selectors import my_employee
from modules.projects.selectors import visibility
from opsplatform.permissions import is_member


@rules.predicate
def has_employee_record(user) -> bool:
    return my_employee(user) is not None


@rules.predicate
def sees_every_project(user) -> bool:
    return visibility.sees_every_project(user)


@rules.predicate
def may_start_projects(user) -> bool:
    return visibility.may_start_projects(user)


def _project_of(obj):
    if obj is None:
        return None
    return obj if hasattr(obj, "task_sequence") else obj.project


@rules.predicate
def sees_project(user, obj) -> bool:
    project = _project_of(obj)
    return project is None or visibility.may_see_project(user, project)


@rules.predicate
def works_on_project(user, obj) -> bool:
    project = _project_of(obj)
    return project is None or visibility.may_work_on(user, project)


@rules.predicate
def manages_project(user, obj) -> bool:
    project = _project_of(obj)
    return project is None or visibility.may_manage(user, project)


@rules.predicate
def sees_cost(user, obj) -> bool:
    return visibility.may_see_cost(user, _project_of(obj))


works = is_member & (has_employee_record | sees_every_project)

# Projects: everyone with work sees theirs; managers start them and manage their own.
rules.add_perm("projects.view_project", works & sees_project)
rules.add_perm("projects.add_project", is_member & may_start_projects)
rules.add_perm("projects.change_project", is_member & manages_project)
rules.add_perm("projects.delete_project", is_member & manages_project)
rules.add_perm("projects.view_project_cost", is_member & sees_cost)
rules.add_perm("projects.import_project_data", is_member & may_start_projects)
rules.add_perm("projects.export_project_data", works)

# The project's own parts: members and columns are the manager's.
for model in ("projectmember", "column"):
    rules.add_perm(f"projects.view_{model}", works & sees_project)
    rules.add_perm(f"projects.add_{model}", is_member & manages_project)
    rules.add_perm(f"projects.change_{model}", is_member & manages_project)
    rules.add_perm(f"projects.delete_{model}", is_member & manages_project)

# Labels are the company's: every member reads them, project starters keep them.
rules.add_perm("projects.view_label", is_member)
for action in ("add", "change", "delete"):
    rules.add_perm(f"projects.{action}_label", is_member & may_start_projects)

# Tasks and what hangs off them: the project's manager and members work them.
for model in ("task", "taskassignee", "tasklabel", "dependency", "checklistitem", "attachment"):
    rules.add_perm(f"projects.view_{model}", works & sees_project)
    rules.add_perm(f"projects.add_{model}", works & works_on_project)
    rules.add_perm(f"projects.change_{model}", works & works_on_project)
    rules.add_perm(f"projects.delete_{model}", works & works_on_project)
# Comments are written, never edited or deleted through a screen (the thread is a record).
rules.add_perm("projects.view_comment", works & sees_project)
rules.add_perm("projects.add_comment", works & works_on_project)

# Time: people log their own (services/timelogs.py checks whose); the list is
# narrowed to what they may see (selectors/time.py).
rules.add_perm("projects.view_timelog", works)
rules.add_perm("projects.add_timelog", is_member & has_employee_record)
rules.add_perm("projects.log_time", is_member & has_employee_record)
rules.add_perm("projects.view_timesheet", works)
rules.add_perm("projects.view_runningtimer", is_member & has_employee_record)
