"""Moving a card on the board: its column and its place in the column.

Positions have gaps (``GAP`` apart), so a move writes one row: the moved task
takes a position between its new neighbours. Only when two neighbours sit on
adjacent numbers is the column renumbered, in one bulk update (positions are
an ordering, not history: the renumbering writes no history rows; the move
itself does, with its reason).

A column over its work-in-progress limit takes the card anyway and the board
marks the column: a limit is a signal to the team, not a lock (as in Jira and
Linear); the move's answer says the column is over (``MoveResult.over_limit``).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Max, Min
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from modules.projects.models import Column, Dependency, Task
from modules.projects.selectors import visibility
from opsplatform.audit import with_reason
from opsplatform.refusals import Refused

# The distance between neighbours after a renumbering: about ten halvings
# (inserts between the same two cards) before the next one.
GAP = 1024


@dataclass(frozen=True)
class MoveResult:
    task: Task
    from_column_id: int
    column: Column
    count: int  # tasks in the target column after the move
    from_count: int  # tasks left in the column it came from
    over_limit: bool

    def as_payload(self, *, actor_id: int | None = None) -> dict:
        """What the board (and the live channel) needs to show the move."""
        return {
            "type": "projects.card_moved",
            "project": self.task.project_id,
            "task": self.task.pk,
            "reference": self.task.reference,
            "column": self.column.pk,
            "from_column": self.from_column_id,
            "position": self.task.position,
            "done": self.task.completed_at is not None,
            "count": self.count,
            "from_count": self.from_count,
            "over_limit": self.over_limit,
            "actor": actor_id,
        }


def lock_task(task_id: int) -> Task:
    # of=("self",): the project and column rows are read, not locked.
    return (
        Task.objects.select_for_update(of=("self",))
        .select_related("project", "column")
        .get(pk=task_id)
    )


def open_blockers(task_ids) -> list[Dependency]:
    """The dependencies of these tasks whose blocker is not in a done column."""
    return list(
        Dependency.objects.filter(task_id__in=list(task_ids), blocker__column__is_done=False)
        .select_related("blocker__project", "task__project")
        .order_by("task_id", "blocker__number")
    )


def refuse_open_blockers(task: Task, column: Column, links: list[Dependency]) -> None:
    names = ", ".join(f"{link.blocker.reference} {link.blocker.title}" for link in links)
    raise Refused(
        ngettext(
            "%(task)s cannot move to %(column)s: it is blocked by %(blockers)s, which is not "
            "done yet.",
            "%(task)s cannot move to %(column)s: it is blocked by %(blockers)s, which are not "
            "done yet.",
            len(links),
        )
        % {"task": task.reference, "column": column.name, "blockers": names},
        code="blocked",
    )


def _position(task: Task, column: Column, before: int | None, after: int | None) -> int:
    """The position that puts ``task`` just before ``before`` or just after ``after``
    (task ids in ``column``); at the end of the column when neither is given."""
    others = Task.objects.filter(column=column).exclude(pk=task.pk)
    anchor_id = before if before is not None else after
    if anchor_id is None:
        last = others.aggregate(last=Max("position"))["last"]
        return GAP if last is None else last + GAP
    anchor = others.filter(pk=anchor_id).values_list("position", flat=True).first()
    if anchor is None:
        raise Refused(_("The card next to this place has moved; reload the board."))
    if before is not None:
        neighbour = others.filter(position__lt=anchor).aggregate(n=Max("position"))["n"]
        if neighbour is None:
            return anchor - GAP
    else:
        neighbour = others.filter(position__gt=anchor).aggregate(n=Min("position"))["n"]
        if neighbour is None:
            return anchor + GAP
    low, high = sorted((anchor, neighbour))
    if high - low > 1:
        return (low + high) // 2
    # No room between the two: spread the column out and ask again.
    renumber(column, exclude=task.pk)
    return _position(task, column, before, after)


def renumber(column: Column, *, exclude: int | None = None) -> None:
    """Give the column's tasks positions GAP apart, in their order, in one bulk update."""
    tasks = list(
        Task.objects.filter(column=column)
        .exclude(pk=exclude)
        .order_by("position", "pk")
        .only("pk", "position")
    )
    for index, task in enumerate(tasks, start=1):
        task.position = index * GAP
    Task.objects.bulk_update(tasks, ["position"], batch_size=1000)


def move_task(
    *,
    task: Task,
    column: Column | int,
    user,
    before: int | None = None,
    after: int | None = None,
) -> MoveResult:
    """Put ``task`` in ``column`` (a Column or its id) before (or after) the task
    with that id, or at its end.

    Refused when the person may not work on the project, when the column is
    another project's or retired, and when the column is a done column and the
    task still has blockers that are not done. Entering a done column sets
    ``completed_at`` and tells the assignees and the project manager; leaving
    one clears it.

    Inside a transaction already (a request's), no savepoint is taken: every
    refusal is raised before the first write, so a refused move has written
    nothing, and the savepoint's two round trips were an eighth of a move.
    """
    if transaction.get_connection().in_atomic_block:
        return _move(task, column, user, before, after)
    with transaction.atomic():
        return _move(task, column, user, before, after)


def _move(task: Task, column: Column | int, user, before, after) -> MoveResult:
    from modules.projects.services.health import recompute

    # The target column is locked first: two moves into one column wait for each
    # other, so they never take the same position.
    target = (
        Column.objects.select_for_update(of=("self",))
        .filter(
            pk=getattr(column, "pk", column), project_id=task.project_id, retired_at__isnull=True
        )
        .first()
    )
    if target is None:
        raise Refused(_("This column is not on the project's board any more; reload the board."))
    task = lock_task(task.pk)
    project = task.project
    if not visibility.may_see_project(user, project):
        raise Http404
    if not visibility.may_work_on(user, project):
        raise Refused(_("You can see this board but not move its cards."))
    source = task.column
    entering_done = target.is_done and not source.is_done
    if entering_done:
        links = open_blockers([task.pk])
        if links:
            refuse_open_blockers(task, target, links)

    task.column = target
    task.position = _position(task, target, before, after)
    if target.is_done and task.completed_at is None:
        task.completed_at = timezone.now()
    elif not target.is_done:
        task.completed_at = None
    task._history_user = user
    if source.pk == target.pk:
        reason = _("Reordered in %(column)s") % {"column": target.name}
    else:
        reason = _("Moved from %(from)s to %(to)s") % {"from": source.name, "to": target.name}
    with with_reason(task, reason):
        task.save(update_fields=["column", "position", "completed_at", "updated_at"])

    # One query for both counts; the board shows them as they are, not as +1/-1.
    counts = dict(
        Task.objects.filter(column_id__in={source.pk, target.pk})
        .order_by()
        .values_list("column_id")
        .annotate(n=Count("pk"))
    )
    count = counts.get(target.pk, 0)
    result = MoveResult(
        task=task,
        from_column_id=source.pk,
        column=target,
        count=count,
        from_count=counts.get(source.pk, 0),
        over_limit=target.wip_limit is not None and count > target.wip_limit,
    )
    if entering_done:
        _tell_done(task, target, user)
    if source.is_done != target.is_done:
        # Health reads whether tasks are open or done, never their column or place:
        # a reorder or a move between open columns leaves every fact as it was.
        recompute(project)
    from modules.projects.live import publish_to_project

    publish_to_project(project, result.as_payload(actor_id=user.pk))
    return result


def _tell_done(task: Task, column: Column, actor) -> None:
    """projects.task_done to the assignees and the project manager, not to the actor."""
    from django.db.models import Q
    from django.urls import reverse

    from modules.projects.notifications import DONE
    from opsplatform.notifications.services import notify
    from tenants.models import User

    # Employee ids are global, so one query finds the logins of the assignees and the manager.
    recipients = list(
        User.objects.filter(
            Q(memberships__employee__task_assignments__task_id=task.pk)
            | Q(memberships__employee__pk=task.project.manager_id)
        )
        .exclude(pk=actor.pk)
        .distinct()
    )
    if not recipients:
        return
    notify(
        recipients=recipients,
        type=DONE,
        context={
            "reference": task.reference,
            "title": task.title,
            "actor": actor.full_name or actor.email,
            "column": column.name,
            "project": task.project.name,
        },
        url=reverse("admin:projects_board", args=[task.project_id]),
        actor=actor,
    )
