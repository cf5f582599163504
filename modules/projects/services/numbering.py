"""Task numbers: each project hands out 1, 2, 3... (WEB-1, WEB-2) without gaps or twins."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F

from modules.projects.models import Project


def next_numbers(project: Project, count: int = 1) -> list[int]:
    """Reserve ``count`` task numbers for ``project`` inside the caller's transaction.

    One UPDATE ... RETURNING: the row lock it takes makes two people adding a
    task at once (or an import beside a person) get different numbers.
    """
    if count < 1:
        return []
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_numbers() must run inside the write's transaction.")
    updated = Project.objects.filter(pk=project.pk).update(task_sequence=F("task_sequence") + count)
    if not updated:
        raise Project.DoesNotExist
    last = Project.objects.filter(pk=project.pk).values_list("task_sequence", flat=True).get()
    project.task_sequence = last
    return list(range(last - count + 1, last + 1))
