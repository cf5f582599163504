"""The kernel's own handler: "enqueue this huey task", delivered at least once.

For work that keeps its own state and claims (an import job): the write stores
the intent with the job, and the task reaches the queue even when the queue
was down at commit. The task runs in the worker, outside the outbox's
transaction; being handed to the queue is what "done" means here, and the
task's own state decides whether a second run does anything.
"""

from __future__ import annotations

from django.utils.module_loading import import_string
from huey.api import TaskWrapper

from opsplatform.outbox.registry import handler

NAME = "outbox.huey_task"


def task_payload(task: TaskWrapper, args) -> dict:
    if not isinstance(task, TaskWrapper):
        raise TypeError(f"{task!r} is not a huey task")
    return {"task": f"{task.func.__module__}.{task.func.__name__}", "args": list(args)}


@handler(NAME)
def enqueue_task(message) -> None:
    task = import_string(message.payload["task"])
    if not isinstance(task, TaskWrapper):
        raise TypeError(f"{message.payload['task']} is not a huey task")
    task(*message.payload.get("args", []))
