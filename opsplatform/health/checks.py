"""The dependency probes behind /healthz.

Each probe runs in its own thread and gets ``HEALTHZ_CHECK_TIMEOUT_SECONDS``;
one that raises or does not answer in time is reported by name ("error:
ConnectionError", "timeout"), never raised, so /healthz cannot answer 500.
The threads start with no tenant (context variables are not inherited), so
the probes see platform data only.

Status:
- ``ok`` (200): everything answers;
- ``degraded`` (200): only the worker is late. A load balancer must not take
  a web process out of service because the worker is behind: pages still
  work, and what the worker owes is kept in the outbox until it catches up;
- ``error`` (503): the database, the cache, the queue or the channel layer
  does not answer; ``failing`` names them.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import time
import uuid
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db import close_old_connections, connection, connections, transaction
from django.utils import timezone

OK = "ok"
HEARTBEAT_NAME = "huey"
# A late worker is reported, but it does not make this web process unhealthy.
DEGRADING_ONLY = {"worker"}


def database() -> str:
    if connection.vendor != "postgresql":
        # No transaction: SQLite's BEGIN IMMEDIATE would wait for the write lock
        # that a running import holds, and a read needs none.
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return OK
    # Its own transaction, so the timeout below is the probe's alone: a session
    # setting would stay on a persistent or pooled connection (PgBouncer) and cut
    # short the next client's statements.
    with transaction.atomic(), connection.cursor() as cursor:
        # The probe's own statement may not hang on a locked or overloaded server.
        timeout_ms = int(settings.HEALTHZ_CHECK_TIMEOUT_SECONDS * 1000)
        cursor.execute("SELECT set_config('statement_timeout', %s, true)", [str(timeout_ms)])
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return OK


def cache() -> str:
    from django.core.cache import caches

    probe = caches["default"]
    key = f"healthz:{uuid.uuid4().hex}"
    token = uuid.uuid4().hex
    probe.set(key, token, 10)
    answered = probe.get(key)
    probe.delete(key)
    return OK if answered == token else "error: the cache did not keep a value"


def queue() -> str:
    from huey.contrib.djhuey import HUEY

    HUEY.pending_count()  # one round trip to the queue's storage (Redis or SQLite)
    return OK


def channel_layer() -> str:
    """A message sent to a fresh channel and read back, on a layer of the probe's own.

    Its own instance: channels-redis refuses receives from two event loops on
    one layer, and this process's sockets receive on the shared one."""
    from channels.layers import DEFAULT_CHANNEL_LAYER, channel_layers

    if DEFAULT_CHANNEL_LAYER not in channel_layers.configs:
        return "not configured"
    layer = channel_layers.make_backend(DEFAULT_CHANNEL_LAYER)

    async def round_trip() -> bool:
        try:
            channel = await layer.new_channel("healthz")
            await layer.send(channel, {"type": "healthz.ping"})
            message = await asyncio.wait_for(
                layer.receive(channel), timeout=settings.HEALTHZ_CHECK_TIMEOUT_SECONDS
            )
            return message.get("type") == "healthz.ping"
        finally:
            close = getattr(layer, "close_pools", None)
            if close is not None:
                await close()

    ok = asyncio.run(round_trip())
    return OK if ok else "error: the message did not come back"


def worker() -> str:
    """Stale when the worker's last beat (a row in the database) is too old."""
    from opsplatform.models import WorkerHeartbeat

    if _tasks_run_inline():
        return "inline"  # tasks run in the web process itself; there is no worker to wait for
    beat = WorkerHeartbeat.objects.filter(name=HEARTBEAT_NAME).first()
    if beat is None:
        return "stale: never seen"
    age = timezone.now() - beat.beat_at
    if age > timedelta(seconds=settings.WORKER_HEARTBEAT_STALE_SECONDS):
        return f"stale: last beat {int(age.total_seconds())} s ago"
    return OK


def _tasks_run_inline() -> bool:
    from huey.contrib.djhuey import HUEY

    return HUEY.immediate


PROBES: dict[str, Callable[[], str]] = {
    "database": database,
    "cache": cache,
    "queue": queue,
    "channel_layer": channel_layer,
    "worker": worker,
}


def _in_own_thread(probe: Callable[[], str]) -> str:
    try:
        return probe()
    except Exception as error:  # noqa: BLE001 - any failure of a dependency is its answer
        return f"error: {error.__class__.__name__}"
    finally:
        # This thread's own database connection, opened by the probe, closed by it.
        close_old_connections()
        connections.close_all()


def run() -> dict:
    """Every probe at once, each bounded by the timeout: {"status", "checks", "failing"}."""
    timeout = settings.HEALTHZ_CHECK_TIMEOUT_SECONDS
    executor = concurrent.futures.ThreadPoolExecutor(
        max_workers=len(PROBES), thread_name_prefix="healthz"
    )
    try:
        futures = {name: executor.submit(_in_own_thread, probe) for name, probe in PROBES.items()}
        deadline = time.monotonic() + timeout
        checks: dict[str, str] = {}
        for name, future in futures.items():
            try:
                checks[name] = future.result(timeout=max(0.0, deadline - time.monotonic()))
            except concurrent.futures.TimeoutError:
                checks[name] = "timeout"
    finally:
        # A probe that hangs is left to its own socket timeout; the answer does not wait.
        executor.shutdown(wait=False, cancel_futures=True)
    failing = [
        name for name, answer in checks.items() if answer not in {OK, "inline", "not configured"}
    ]
    if any(name not in DEGRADING_ONLY for name in failing):
        status = "error"
    elif failing:
        status = "degraded"
    else:
        status = "ok"
    return {"status": status, "checks": checks, "failing": failing}
