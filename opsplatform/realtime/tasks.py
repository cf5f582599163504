"""Live updates sent by the worker, so that a busy request does not wait on the channel layer."""

from __future__ import annotations

from huey.contrib.djhuey import task


@task()
def send_to_group(group: str, payload: dict) -> None:
    from opsplatform.realtime.publish import group_send_now

    group_send_now(group, payload)
