""" "Blocked by" links between tasks of one project.

A link that would close a loop is refused with the loop named
("WEB-3 → WEB-7 → WEB-3"): the project's links are read in one query and
walked in memory, which for a project's few hundred links is quicker than a
recursive query and names the path as a by-product.
"""

from __future__ import annotations

from collections import deque

from django.db import transaction
from django.utils.translation import gettext as _

from modules.projects.models import Dependency, Task
from modules.projects.services import health
from modules.projects.services.tasks import refuse_unless_works_on
from opsplatform.refusals import Refused


def loop_through(task: Task, blocker: Task) -> list[str] | None:
    """The references of the loop that "``task`` blocked by ``blocker``" would close, or None.

    A loop exists when ``blocker`` already waits, link by link, on ``task``:
    the answer runs task → blocker → ... → task.
    """
    edges: dict[int, list[int]] = {}
    numbers = {task.pk: task.number, blocker.pk: blocker.number}
    rows = Dependency.objects.filter(task__project_id=task.project_id).values_list(
        "task_id", "task__number", "blocker_id", "blocker__number"
    )
    for waiting, waiting_number, blocking, blocking_number in rows:
        edges.setdefault(waiting, []).append(blocking)
        numbers[waiting] = waiting_number
        numbers[blocking] = blocking_number
    # Breadth first from the blocker: the shortest loop is the one to name.
    came_from: dict[int, int | None] = {blocker.pk: None}
    queue = deque([blocker.pk])
    while queue:
        current = queue.popleft()
        if current == task.pk:
            path = []
            while current is not None:
                path.append(current)
                current = came_from[current]
            path.reverse()  # blocker ... task
            code = task.project.code
            return [f"{code}-{numbers[pk]}" for pk in [task.pk, *path]]
        for following in edges.get(current, ()):
            if following not in came_from:
                came_from[following] = current
                queue.append(following)
    return None


def check_dependency(task: Task, blocker: Task) -> None:
    if blocker.project_id != task.project_id:
        raise Refused(
            _("A task can only be blocked by a task of the same project."), field="blocker"
        )
    if blocker.pk == task.pk:
        raise Refused(_("A task cannot block itself."), field="blocker")
    loop = loop_through(task, blocker)
    if loop:
        raise Refused(
            _("This would make a loop: %(loop)s.") % {"loop": " → ".join(loop)}, field="blocker"
        )


@transaction.atomic
def dependency_add(*, user, task: Task, blocker: Task) -> Dependency:
    refuse_unless_works_on(user, task.project)
    # Two people linking the same pair the other way round at once would each see
    # no loop: the project's row lock (the one task numbers take) serialises them.
    type(task.project).objects.select_for_update().filter(pk=task.project_id).exists()
    check_dependency(task, blocker)
    if Dependency.objects.filter(task=task, blocker=blocker).exists():
        raise Refused(
            _("%(task)s is already blocked by %(blocker)s.")
            % {"task": task.reference, "blocker": blocker.reference},
            field="blocker",
        )
    link = Dependency(tenant_id=task.tenant_id, task=task, blocker=blocker)
    link.full_clean()
    link.save()
    health.recompute(task.project)
    return link


@transaction.atomic
def dependency_save(*, user, link: Dependency) -> Dependency:
    """Save a link edited on the task's form (a new blocker, or another one)."""
    task, blocker = link.task, link.blocker
    refuse_unless_works_on(user, task.project)
    type(task.project).objects.select_for_update().filter(pk=task.project_id).exists()
    check_dependency(task, blocker)
    link.full_clean()
    link.save()
    health.recompute(task.project)
    return link


@transaction.atomic
def dependency_remove(*, user, task: Task, blocker: Task) -> None:
    refuse_unless_works_on(user, task.project)
    links = list(Dependency.objects.filter(task=task, blocker=blocker))
    if not links:
        raise Refused(
            _("%(task)s is not blocked by %(blocker)s.")
            % {"task": task.reference, "blocker": blocker.reference}
        )
    for link in links:
        link.delete()
    health.recompute(task.project)
