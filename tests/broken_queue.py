"""A task queue that refuses every enqueue, as RedisHuey does when Redis is down.

``queue_down()`` makes huey's ``enqueue`` raise the error redis-py raises for a
refused connection, for the length of a ``with`` block (or a test, through the
``broken_queue`` fixture of tests/conftest.py). The settings build one HUEY
object at import, so this patches that object rather than the settings; a
stopped shared server would disturb other runs.
"""

from __future__ import annotations

from contextlib import contextmanager

from redis.exceptions import ConnectionError as RedisConnectionError


class QueueDown(RedisConnectionError):
    pass


class Refusals:
    """What the broken queue was asked to take, for assertions."""

    def __init__(self):
        self.tasks: list[str] = []


@contextmanager
def queue_down():
    from huey.contrib.djhuey import HUEY

    refusals = Refusals()

    def refuse(task):
        refusals.tasks.append(task.name)
        raise QueueDown("Error 111 connecting to 127.0.0.1:6399. Connection refused.")

    before = HUEY.__dict__.get("enqueue")
    HUEY.enqueue = refuse  # the instance attribute shadows the class's method
    try:
        yield refusals
    finally:
        if before is None:
            del HUEY.enqueue
        else:
            HUEY.enqueue = before
