"""Writing checked task rows, in bulk and in one transaction: numbers reserved per
project (services/numbering.py), one insert each of the tasks, their assignees,
labels and dependencies, one update of the changed tasks and of the parents,
and the health of every touched project recomputed once at the end."""

from __future__ import annotations

from collections import defaultdict

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from modules.projects.importing.task_rows import Planned
from modules.projects.models import Dependency, Label, Priority, Task, TaskAssignee, TaskLabel
from modules.projects.services import health
from modules.projects.services.numbering import next_numbers
from opsplatform.importing.report import ImportReport
from opsplatform.tenancy.context import require_current_tenant

BATCH_SIZE = 2000


def apply(planned: list[Planned], report: ImportReport, *, user=None, key: str = "") -> None:
    """Write every checked row in one transaction (only call with ``report.ok``)."""
    if not report.ok:
        raise ValueError("refusing to apply an import with errors")
    tenant = require_current_tenant()
    now = timezone.now()
    with transaction.atomic():
        by_project: dict[int, list[Planned]] = defaultdict(list)
        for item in planned:
            by_project[item.facts.project.pk].append(item)
        pk_of: dict[tuple, int] = {}
        new_tasks: list[tuple[Planned, Task]] = []
        updated: list[Task] = []
        update_fields: set[str] = set()
        for items in by_project.values():
            project = items[0].facts.project
            fresh = [item for item in items if item.existing is None]
            numbers = next_numbers(project, len(fresh))
            ends = dict(
                Task.objects.filter(project=project)
                .values("column_id")
                .annotate(end=Max("position"))
                .values_list("column_id", "end")
            )
            for item, number in zip(fresh, numbers, strict=True):
                position = ends.get(item.column.pk, 0) + 1
                ends[item.column.pk] = position
                task = Task(
                    tenant=tenant,
                    project=project,
                    number=number,
                    column=item.column,
                    position=position,
                    title=item.title,
                    description=item.description or "",
                    priority=item.priority or Priority.NORMAL,
                    start_date=item.start_date,
                    due_date=item.due_date,
                    estimate_hours=item.estimate_hours,
                    completed_at=now if item.column.is_done else None,
                    created_by=user,
                )
                new_tasks.append((item, task))
            for item in items:
                if item.existing is not None:
                    task, fields = _updated(item, tenant, now)
                    updated.append(task)
                    update_fields |= fields
                    pk_of[item.key] = item.existing.pk
        Task.objects.bulk_create([task for _item, task in new_tasks], batch_size=BATCH_SIZE)
        for item, task in new_tasks:
            pk_of[item.key] = task.pk
        if updated and update_fields:
            Task.objects.bulk_update(
                updated, [*sorted(update_fields), "updated_at"], batch_size=BATCH_SIZE
            )
        _write_links(planned, pk_of, tenant)
        for items in by_project.values():
            health.recompute(items[0].facts.project)
    report.created = len(new_tasks)
    report.updated = len(updated)
    report.applied = True


def _updated(item: Planned, tenant, now) -> tuple[Task, set[str]]:
    """The existing task with the file's columns set (only the columns the file has)."""
    existing = item.existing
    task = Task(pk=existing.pk, tenant=tenant, project=item.facts.project, number=existing.number)
    task.updated_at = now
    fields = {"title"}
    task.title = item.title
    if item.description is not None:
        task.description, _x = item.description, fields.add("description")
    if item.column is not None and item.column.pk != existing.column_id:
        task.column = item.column
        task.position = 0  # the top of its new column
        fields |= {"column", "position"}
        if item.column.is_done != existing.completed:
            task.completed_at = now if item.column.is_done else None
            fields.add("completed_at")
    if item.priority is not None:
        task.priority, _x = item.priority, fields.add("priority")
    for name in ("start_date", "due_date", "estimate_hours"):
        if name in item.headers:
            setattr(task, name, getattr(item, name))
            fields.add(name)
    return task, fields


def _write_links(planned: list[Planned], pk_of: dict[tuple, int], tenant) -> None:
    """Assignees, labels, parents and dependencies: the file's replace the task's."""
    replaced = {
        "assignees": [pk_of[p.key] for p in planned if p.existing and p.assignees is not None],
        "labels": [pk_of[p.key] for p in planned if p.existing and p.labels is not None],
        "blocked_by": [pk_of[p.key] for p in planned if p.existing and p.blocked_by is not None],
    }
    TaskAssignee.objects.filter(task_id__in=replaced["assignees"]).delete()
    TaskLabel.objects.filter(task_id__in=replaced["labels"]).delete()
    Dependency.objects.filter(task_id__in=replaced["blocked_by"]).delete()
    TaskAssignee.objects.bulk_create(
        [
            TaskAssignee(tenant=tenant, task_id=pk_of[p.key], employee_id=employee)
            for p in planned
            for employee in p.assignees or []
        ],
        batch_size=BATCH_SIZE,
    )
    label_ids = _labels([name for p in planned for name in p.labels or []], tenant)
    TaskLabel.objects.bulk_create(
        [
            TaskLabel(tenant=tenant, task_id=pk_of[p.key], label_id=label_ids[name.lower()])
            for p in planned
            for name in p.labels or []
        ],
        batch_size=BATCH_SIZE,
    )
    Dependency.objects.bulk_create(
        [
            Dependency(tenant=tenant, task_id=pk_of[p.key], blocker_id=pk_of.get(b) or b[1])
            for p in planned
            for b in p.blocker_keys
        ],
        batch_size=BATCH_SIZE,
    )
    parents = [
        Task(
            pk=pk_of[p.key],
            parent_id=(pk_of.get(p.parent_key) or p.parent_key[1]) if p.parent_key else None,
        )
        for p in planned
        if p.parent_key is not None or (p.existing is not None and p.parent is not None)
    ]
    if parents:
        Task.objects.bulk_update(parents, ["parent"], batch_size=BATCH_SIZE)


def _labels(names: list[str], tenant) -> dict[str, int]:
    """lower(name) -> label pk; a name the company has no label for creates one."""
    wanted = {name.lower(): name for name in names}
    if not wanted:
        return {}
    found = {
        name.lower(): pk
        for pk, name in Label.objects.values_list("pk", "name")
        if name.lower() in wanted
    }
    missing = [Label(tenant=tenant, name=wanted[low]) for low in wanted if low not in found]
    if missing:
        Label.objects.bulk_create(missing)
        found.update({label.name.lower(): label.pk for label in missing})
    return found
