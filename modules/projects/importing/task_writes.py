"""Writing checked task rows, in bulk and in one transaction: numbers reserved per
project (services/numbering.py), one insert each of the tasks, their assignees,
labels and dependencies, one update of the changed tasks (their parents too),
and the health of every touched project recomputed once at the end.

Every write leaves simple-history rows with the importing person and the
reason ("Imported from tasks.csv"), staying on bulk paths: inserts go through
``opsplatform.bulk.create_with_history``, updates through simple-history's
``bulk_update_with_history`` on tasks loaded whole in one query (a history row
copies every field, so a task built from its pk alone would record blanks),
and the links the file replaces leave "-" rows written in bulk too
(importing/history.py: a queryset delete would insert one row per link).
"""

from __future__ import annotations

from collections import defaultdict

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from modules.projects.importing.history import delete_with_history
from modules.projects.importing.task_rows import Planned
from modules.projects.models import Dependency, Label, Priority, Task, TaskAssignee, TaskLabel
from modules.projects.services import health
from modules.projects.services.numbering import next_numbers
from opsplatform.bulk import create_with_history
from opsplatform.importing.report import ImportReport
from opsplatform.tenancy.context import require_current_tenant

BATCH_SIZE = 2000


def apply(
    planned: list[Planned], report: ImportReport, *, user=None, key: str = "", reason: str = ""
) -> None:
    """Write every checked row in one transaction (only call with ``report.ok``)."""
    if not report.ok:
        raise ValueError("refusing to apply an import with errors")
    tenant = require_current_tenant()
    now = timezone.now()
    history = {"user": user, "reason": reason}
    with transaction.atomic():
        by_project: dict[int, list[Planned]] = defaultdict(list)
        for item in planned:
            by_project[item.facts.project.pk].append(item)
        # The tasks the file updates, whole and locked: their history rows copy every field.
        loaded = Task.objects.select_for_update().in_bulk(
            [p.existing.pk for p in planned if p.existing is not None]
        )
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
                    # A parent among the existing tasks is known now; one among
                    # the file's new rows only once they have their pks.
                    parent_id=_existing_parent(item),
                )
                new_tasks.append((item, task))
            for item in items:
                if item.existing is not None:
                    task = loaded[item.existing.pk]
                    update_fields |= _set_file_fields(task, item, now)
                    updated.append(task)
                    pk_of[item.key] = task.pk
        create_with_history(
            [task for _item, task in new_tasks], Task, batch_size=BATCH_SIZE, **history
        )
        for item, task in new_tasks:
            pk_of[item.key] = task.pk
        for item in planned:
            if item.existing is not None and item.parent is not None:
                task = loaded[item.existing.pk]
                task.parent_id = _parent_pk(item, pk_of)
                update_fields.add("parent")
        if updated:
            bulk_update_with_history(
                updated,
                Task,
                [*sorted(update_fields), "updated_at"],
                batch_size=BATCH_SIZE,
                default_user=user,
                default_change_reason=reason,
            )
        # New tasks whose parent is another new row: linked once both exist (a "~" row).
        linked = []
        for item, task in new_tasks:
            if item.parent_key is not None and item.parent_key[0] == "r":
                task.parent_id = pk_of[item.parent_key]
                linked.append(task)
        if linked:
            bulk_update_with_history(
                linked,
                Task,
                ["parent"],
                batch_size=BATCH_SIZE,
                default_user=user,
                default_change_reason=reason,
            )
        _write_links(planned, pk_of, tenant, history)
        for items in by_project.values():
            health.recompute(items[0].facts.project)
    report.created = len(new_tasks)
    report.updated = len(updated)
    report.applied = True


def _existing_parent(item: Planned) -> int | None:
    key = item.parent_key
    return key[1] if key is not None and key[0] == "t" else None


def _parent_pk(item: Planned, pk_of: dict[tuple, int]) -> int | None:
    key = item.parent_key
    if key is None:
        return None
    return pk_of.get(key) or key[1]


def _set_file_fields(task: Task, item: Planned, now) -> set[str]:
    """The file's columns set on the loaded task; the names of the fields written."""
    existing = item.existing
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
    return fields


def _write_links(planned: list[Planned], pk_of: dict[tuple, int], tenant, history) -> None:
    """Assignees, labels and dependencies: the file's replace the task's (the
    replaced ones deleted with their "-" history rows, importing/history.py)."""
    replaced = {
        "assignees": [pk_of[p.key] for p in planned if p.existing and p.assignees is not None],
        "labels": [pk_of[p.key] for p in planned if p.existing and p.labels is not None],
        "blocked_by": [pk_of[p.key] for p in planned if p.existing and p.blocked_by is not None],
    }
    delete_with_history(TaskAssignee.objects.filter(task_id__in=replaced["assignees"]), **history)
    delete_with_history(TaskLabel.objects.filter(task_id__in=replaced["labels"]), **history)
    delete_with_history(Dependency.objects.filter(task_id__in=replaced["blocked_by"]), **history)
    create_with_history(
        [
            TaskAssignee(tenant=tenant, task_id=pk_of[p.key], employee_id=employee)
            for p in planned
            for employee in p.assignees or []
        ],
        TaskAssignee,
        batch_size=BATCH_SIZE,
        **history,
    )
    label_ids = _labels([name for p in planned for name in p.labels or []], tenant, history)
    create_with_history(
        [
            TaskLabel(tenant=tenant, task_id=pk_of[p.key], label_id=label_ids[name.lower()])
            for p in planned
            for name in p.labels or []
        ],
        TaskLabel,
        batch_size=BATCH_SIZE,
        **history,
    )
    create_with_history(
        [
            Dependency(tenant=tenant, task_id=pk_of[p.key], blocker_id=pk_of.get(b) or b[1])
            for p in planned
            for b in p.blocker_keys
        ],
        Dependency,
        batch_size=BATCH_SIZE,
        **history,
    )


def _labels(names: list[str], tenant, history) -> dict[str, int]:
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
        create_with_history(missing, Label, **history)
        found.update({label.name.lower(): label.pk for label in missing})
    return found
