"""Helpers of the time tests: tasks on the team's project, weeks, deciding timesheets."""

from __future__ import annotations

from datetime import timedelta

from modules.approvals.selectors import current_gate
from modules.approvals.services import request_decide
from modules.projects.models import Task
from modules.projects.selectors.time import monday_of


def make_task(team, title="Build the page", assignees=()) -> Task:
    project = team.project
    project.task_sequence += 1
    project.save(update_fields=["task_sequence"])
    task = Task.objects.create(
        project=project, number=project.task_sequence, column=team.columns["Todo"], title=title
    )
    for employee in assignees:
        task.assignments.create(employee=employee)
    return task


def last_week(tenant):
    """Monday of the week before the company's today (every day of it is in the past)."""
    return monday_of(tenant.today()) - timedelta(days=7)


def decide(approval, user, decision, comment=""):
    step = current_gate(approval)
    return request_decide(
        request_id=approval.pk, user=user, decision=decision, comment=comment, step_id=step.pk
    )
