"""A project's workflow: its status columns, kept by the project manager.

Every change runs in one transaction under a lock on the project row, so two
managers editing at once take turns; each checks the workflow's two
invariants afterwards: at least one active column, at least one of them a done
column. A retired column keeps its row (task history names it) and holds no
task: its tasks are appended, in their order, to a column the manager chooses.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from modules.projects.models import Column, Project, Task
from modules.projects.selectors import visibility
from modules.projects.services.board import GAP, open_blockers
from opsplatform.audit import with_reason
from opsplatform.refusals import Refused


def _lock_project(project: Project, user) -> Project:
    locked = Project.objects.select_for_update(of=("self",)).get(pk=project.pk)
    if not visibility.may_see_project(user, locked):
        raise Http404
    if not visibility.may_manage(user, locked):
        raise Refused(_("Only the project's manager can change its workflow."))
    return locked


def active_columns(project: Project) -> list[Column]:
    return list(Column.objects.filter(project=project, retired_at__isnull=True).order_by("order"))


def _check_workflow(project: Project) -> None:
    columns = active_columns(project)
    if not columns:
        raise Refused(_("A project needs at least one active column."))
    if not any(column.is_done for column in columns):
        raise Refused(
            _("A project needs at least one done column, so that its tasks can be completed.")
        )


def _save(column: Column, user, reason: str) -> Column:
    column.full_clean()
    column._history_user = user
    with with_reason(column, reason):
        column.save()
    return column


def _active_column(project: Project, column_id: int) -> Column:
    column = Column.objects.filter(pk=column_id, project=project, retired_at__isnull=True).first()
    if column is None:
        raise Refused(_("This column is not on the project's board any more."))
    return column


@transaction.atomic
def column_add(
    *, project: Project, name: str, user, is_done: bool = False, wip_limit: int | None = None
) -> Column:
    project = _lock_project(project, user)
    last = Column.objects.filter(project=project, retired_at__isnull=True).aggregate(
        last=Max("order")
    )["last"]
    column = Column(
        project=project,
        name=name.strip(),
        is_done=is_done,
        wip_limit=wip_limit,
        order=0 if last is None else last + 1,
    )
    return _save(column, user, _("Column added"))


@transaction.atomic
def column_update(
    *, column: Column, user, name: str, is_done: bool, wip_limit: int | None
) -> Column:
    """Rename, mark done or not done, set or clear the WIP limit.

    Marking a column done completes the tasks in it (``completed_at`` set now)
    unless one of them has open blockers; marking it not done reopens them.
    """
    project = _lock_project(column.project, user)
    column = _active_column(project, column.pk)
    became_done = is_done and not column.is_done
    became_open = column.is_done and not is_done
    column.name, column.is_done, column.wip_limit = name.strip(), is_done, wip_limit
    _save(column, user, _("Column changed"))
    tasks = Task.objects.filter(column=column)
    if became_done:
        # Blockers in this very column become done with it.
        links = [
            link
            for link in open_blockers(tasks.values_list("pk", flat=True))
            if link.blocker.column_id != column.pk
        ]
        if links:
            raise Refused(_blocked_message(column, links))
        _set_completed(tasks.filter(completed_at__isnull=True), timezone.now(), user)
    elif became_open:
        _set_completed(tasks.filter(completed_at__isnull=False), None, user)
    _check_workflow(project)
    _recompute(project)
    return column


@transaction.atomic
def column_reorder(*, project: Project, user, order: list[int]) -> list[Column]:
    """Put the project's active columns in the order of these ids (every one, once)."""
    project = _lock_project(project, user)
    columns = {column.pk: column for column in active_columns(project)}
    if sorted(order) != sorted(columns):
        raise Refused(_("The columns have changed since the page was opened; reload it."))
    changed = []
    for index, pk in enumerate(order):
        if columns[pk].order != index:
            columns[pk].order = index
            changed.append(columns[pk])
    if changed:
        bulk_update_with_history(
            changed,
            Column,
            ["order"],
            default_user=user,
            default_change_reason=_("Columns reordered"),
        )
    return [columns[pk] for pk in order]


def column_shift(*, column: Column, user, by: int) -> list[Column]:
    """Move a column one place to the left (``by=-1``) or right (``by=1``)."""
    ids = [c.pk for c in active_columns(column.project)]
    if column.pk not in ids:
        raise Refused(_("This column is not on the project's board any more."))
    index = ids.index(column.pk)
    other = index + by
    if 0 <= other < len(ids):
        ids[index], ids[other] = ids[other], ids[index]
    return column_reorder(project=column.project, user=user, order=ids)


@transaction.atomic
def column_retire(*, column: Column, user, target: Column) -> int:
    """Retire ``column``, appending its tasks (in their order) to ``target``.

    Returns how many tasks moved. Refused when ``target`` is the column itself,
    another project's or retired, when the project would be left without an
    active column or a done column, and when the tasks would enter a done
    column with blockers that are not done.
    """
    project = _lock_project(column.project, user)
    column = _active_column(project, column.pk)
    if target.pk == column.pk:
        raise Refused(_("Choose another column to receive this column's tasks."))
    target = _active_column(project, target.pk)
    tasks = list(Task.objects.filter(column=column).order_by("position", "pk"))
    if target.is_done and not column.is_done:
        links = [
            link
            for link in open_blockers([task.pk for task in tasks])
            if link.blocker.column_id != column.pk
        ]
        if links:
            raise Refused(_blocked_message(target, links))
    last = Task.objects.filter(column=target).aggregate(last=Max("position"))["last"] or 0
    now = timezone.now()
    for index, task in enumerate(tasks, start=1):
        task.column = target
        task.position = last + index * GAP
        if target.is_done and task.completed_at is None:
            task.completed_at = now
        elif not target.is_done:
            task.completed_at = None
    reason = _("Column %(column)s retired; moved to %(target)s") % {
        "column": column.name,
        "target": target.name,
    }
    if tasks:
        bulk_update_with_history(
            tasks,
            Task,
            ["column", "position", "completed_at"],
            batch_size=500,
            default_user=user,
            default_change_reason=reason,
        )
    column.retired_at = now
    column._history_user = user
    with with_reason(column, reason):
        column.save(update_fields=["retired_at"])
    _check_workflow(project)
    _recompute(project)
    return len(tasks)


def _blocked_message(column: Column, links) -> str:
    names = ", ".join(
        sorted({f"{link.task.reference} ← {link.blocker.reference}" for link in links})
    )
    return _("Tasks cannot enter %(column)s while their blockers are open: %(blockers)s.") % {
        "column": column.name,
        "blockers": names,
    }


def _set_completed(queryset, value, user) -> None:
    tasks = list(queryset)
    for task in tasks:
        task.completed_at = value
    if tasks:
        bulk_update_with_history(
            tasks,
            Task,
            ["completed_at"],
            batch_size=500,
            default_user=user,
            default_change_reason=_("Column's done mark changed"),
        )


def _recompute(project: Project) -> None:
    from modules.projects.services.health import recompute

    recompute(project)
