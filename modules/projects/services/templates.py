"""Starting a project from a template: its columns and tasks, copied.

What is copied: the columns (name, order, done, limit; retired ones are left
behind) and each task's title, description, priority, estimate, labels,
checklist, parent and "blocked by" links, with its dates moved by the gap
between the two projects' start dates. What is not: assignees, comments,
attachments and time (they belong to the work, not to the plan). Task numbers
start again at 1 in the new project. Everything is written in bulk, in the
caller's transaction: a failure copies nothing.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils.translation import gettext as _

from modules.projects.models import (
    ChecklistItem,
    Column,
    Dependency,
    Project,
    Task,
    TaskLabel,
)
from modules.projects.services import health
from modules.projects.services.numbering import next_numbers
from opsplatform.bulk import create_with_history
from opsplatform.refusals import Refused

COPIED_TASK_FIELDS = ("title", "description", "priority", "estimate_hours", "position")


def _shift(template: Project, project: Project) -> timedelta:
    if template.start_date and project.start_date:
        return project.start_date - template.start_date
    return timedelta(0)


def _moved(day, shift: timedelta):
    return day + shift if day is not None else None


def copy_template(*, template: Project, project: Project, user=None) -> None:
    """Copy ``template``'s columns and tasks into the new ``project`` (no columns yet)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("copy_template() must run inside the write's transaction.")
    tenant_id = project.tenant_id
    old_columns = list(Column.objects.filter(project=template, retired_at__isnull=True))
    if not old_columns:
        raise Refused(_("The template has no columns to copy."))
    new_columns = create_with_history(
        [
            Column(
                tenant_id=tenant_id,
                project=project,
                name=column.name,
                order=column.order,
                is_done=column.is_done,
                wip_limit=column.wip_limit,
            )
            for column in old_columns
        ],
        Column,
        user=user,
    )
    column_for = {old.pk: new for old, new in zip(old_columns, new_columns, strict=True)}
    first_column = min(new_columns, key=lambda column: (column.order, column.pk))

    old_tasks = list(Task.objects.filter(project=template).order_by("number"))
    if not old_tasks:
        return
    shift = _shift(template, project)
    numbers = dict(
        zip(
            [task.pk for task in old_tasks],
            next_numbers(project, len(old_tasks)),
            strict=True,
        )
    )
    by_pk = {task.pk: task for task in old_tasks}
    new_for: dict[int, Task] = {}
    # Parents are written before their subtasks, one depth at a time, so each
    # subtask is inserted with its parent's new id (no second pass of updates).
    remaining = list(old_tasks)
    while remaining:
        ready = [t for t in remaining if t.parent_id is None or t.parent_id in new_for]
        ready = ready or remaining  # a parent outside the template (never expected): drop it
        batch = []
        for old in ready:
            task = Task(
                tenant_id=tenant_id,
                project=project,
                number=numbers[old.pk],
                # A task of a retired column (never expected: retiring empties it) goes first.
                column=column_for.get(old.column_id, first_column),
                start_date=_moved(old.start_date, shift),
                due_date=_moved(old.due_date, shift),
                parent=new_for.get(old.parent_id) if old.parent_id in by_pk else None,
                created_by=user if getattr(user, "pk", None) else None,
                **{name: getattr(old, name) for name in COPIED_TASK_FIELDS},
            )
            batch.append(task)
        for old, new in zip(ready, create_with_history(batch, Task, user=user), strict=True):
            new_for[old.pk] = new
        done = {old.pk for old in ready}
        remaining = [t for t in remaining if t.pk not in done]

    create_with_history(
        [
            TaskLabel(tenant_id=tenant_id, task=new_for[link.task_id], label_id=link.label_id)
            for link in TaskLabel.objects.filter(task__project=template)
        ],
        TaskLabel,
        user=user,
    )
    create_with_history(
        [
            ChecklistItem(
                tenant_id=tenant_id,
                task=new_for[item.task_id],
                text=item.text,
                order=item.order,
                done=False,
            )
            for item in ChecklistItem.objects.filter(task__project=template)
        ],
        ChecklistItem,
        user=user,
    )
    create_with_history(
        [
            Dependency(
                tenant_id=tenant_id,
                task=new_for[link.task_id],
                blocker=new_for[link.blocker_id],
            )
            for link in Dependency.objects.filter(task__project=template)
            if link.blocker_id in new_for
        ],
        Dependency,
        user=user,
    )


def project_start_from_template(
    *, user, template: Project, code: str, name: str, start_date, **fields
) -> Project:
    """A new project from ``template``: its settings (client, budget, billing) as
    defaults, its due date moved like its tasks', its columns and tasks copied."""
    from modules.projects.services.projects import project_create

    if not template.is_template:
        raise Refused(_("Only a template can start a project."))
    defaults = {
        "client": template.client,
        "description": template.description,
        "budget_hours": template.budget_hours,
        "budget_amount": template.budget_amount,
        "billable": template.billable,
        "bill_rate": template.bill_rate,
    }
    if template.start_date and template.due_date and start_date:
        defaults["due_date"] = template.due_date + (start_date - template.start_date)
    defaults.update(fields)
    project = project_create(
        user=user,
        template=template,
        code=code,
        name=name,
        start_date=start_date,
        **defaults,
    )
    health.recompute(project)
    return project
