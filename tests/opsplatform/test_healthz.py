"""/healthz names each dependency: 200 when all answer, 503 naming the one that
does not, never 500; a late worker is "degraded" but still 200 (docs/reliability.md)."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import OperationalError, connections
from django.test import Client, override_settings
from django.utils import timezone

from opsplatform.health import checks
from opsplatform.health.tasks import worker_heartbeat
from opsplatform.models import WorkerHeartbeat
from tests.broken_channel_layer import BROKEN_LAYER

pytestmark = pytest.mark.django_db

BROKEN_CACHE = {
    **settings.CACHES,
    "default": {
        "BACKEND": "tests.broken_cache.BrokenCache",
        "KEY_FUNCTION": "opsplatform.tenancy.cache.make_key",
    },
}
EVERY_PART = {"database", "cache", "queue", "channel_layer", "worker"}


def healthz(host: str = "localhost"):
    return Client(HTTP_HOST=host).get("/healthz")


@pytest.mark.parametrize("host", ["localhost", "acme.localhost"])
def test_all_good_is_200_with_every_part_named(tenant_a, host):
    response = healthz(host)
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == EVERY_PART
    assert body["failing"] == []
    # The test settings run tasks inline: no worker is expected to beat.
    assert body["checks"]["worker"] == "inline"
    assert "no-store" in response["Cache-Control"]


@override_settings(CACHES=BROKEN_CACHE)
def test_a_broken_cache_is_503_and_named(tenant_a):
    for host in ["localhost", "acme.localhost"]:
        response = healthz(host)
        assert response.status_code == 503, host
        body = response.json()
        assert body["status"] == "error"
        assert body["failing"] == ["cache"]
        assert body["checks"]["cache"] == "error: CacheDown"
        assert body["checks"]["database"] == "ok"


@override_settings(CHANNEL_LAYERS=BROKEN_LAYER)
def test_a_broken_channel_layer_is_503_and_named():
    response = healthz()
    assert response.status_code == 503
    assert response.json()["failing"] == ["channel_layer"]
    assert response.json()["checks"]["channel_layer"] == "error: LayerDown"


def test_a_database_that_refuses_connections_is_503_not_500(monkeypatch):
    def refuse(self, conn_params):
        raise OperationalError("connection refused")

    # New connections fail, as when the server is down; the probe always opens its own.
    monkeypatch.setattr(type(connections["default"]), "get_new_connection", refuse)
    response = healthz()
    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["database"]
    assert body["checks"]["database"] == "error: OperationalError"


def test_a_company_host_that_cannot_be_resolved_still_gets_the_health_answer(monkeypatch):
    from opsplatform.tenancy import resolver

    def down(host):
        raise OperationalError("connection refused")

    monkeypatch.setattr(resolver, "_lookup", down)
    response = healthz("acme.localhost")
    assert response["Content-Type"] == "application/json"
    assert set(response.json()["checks"]) == EVERY_PART


def test_an_unknown_host_is_still_not_found():
    assert healthz("nobody.localhost").status_code == 404


def test_a_queue_that_errors_is_503_and_named(monkeypatch):
    from huey.contrib.djhuey import HUEY

    def down():
        raise ConnectionError("queue down")

    monkeypatch.setattr(HUEY, "pending_count", down)
    response = healthz()
    assert response.status_code == 503
    assert response.json()["failing"] == ["queue"]


@override_settings(HEALTHZ_CHECK_TIMEOUT_SECONDS=0.3)
def test_a_probe_that_hangs_is_reported_as_a_timeout(monkeypatch):
    monkeypatch.setitem(checks.PROBES, "cache", lambda: time.sleep(3) or "ok")
    started = time.monotonic()
    response = healthz()
    assert time.monotonic() - started < 2.5  # the answer did not wait for the hung probe
    assert response.status_code == 503
    assert response.json()["checks"]["cache"] == "timeout"


# -- the worker's heartbeat ---------------------------------------------------------


@pytest.fixture
def with_a_worker(monkeypatch):
    """As in production: tasks run in a worker, not inline."""
    monkeypatch.setattr(checks, "_tasks_run_inline", lambda: False)


@pytest.mark.django_db(transaction=True)
def test_a_worker_never_seen_is_degraded_but_200(with_a_worker):
    response = healthz()
    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["failing"] == ["worker"]
    assert response.json()["checks"]["worker"] == "stale: never seen"


@pytest.mark.django_db(transaction=True)
def test_the_beat_makes_the_worker_ok_and_an_old_one_is_stale(with_a_worker):
    worker_heartbeat.call_local()
    response = healthz()
    assert response.json()["checks"]["worker"] == "ok"
    assert response.json()["status"] == "ok"

    four_minutes_ago = timezone.now() - timedelta(minutes=4)
    WorkerHeartbeat.objects.update(beat_at=four_minutes_ago)
    response = healthz()
    assert response.status_code == 200  # a late worker does not pull the web process
    assert response.json()["status"] == "degraded"
    assert response.json()["checks"]["worker"].startswith("stale: last beat 2")


@pytest.mark.django_db(transaction=True)
@override_settings(CACHES=BROKEN_CACHE)
def test_the_heartbeat_is_read_from_the_database_with_the_cache_down(with_a_worker):
    worker_heartbeat.call_local()
    body = healthz().json()
    assert body["checks"]["worker"] == "ok"
    assert body["failing"] == ["cache"]


def test_the_worker_beats_every_minute():
    from huey.contrib.djhuey import HUEY

    start = timezone.now().replace(second=0, microsecond=0, tzinfo=None)
    for minute in [start + timedelta(minutes=n) for n in range(5)]:
        due = {task.name for task in HUEY.read_periodic(minute)}
        assert worker_heartbeat.s().name in due, minute


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_database_probe_leaves_no_timeout_on_the_connection():
    """A persistent or pooled connection goes on to serve other requests: the
    probe's short statement timeout must end with the probe."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("statement_timeout is PostgreSQL's")
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        before = cursor.fetchone()[0]
        assert checks.database() == "ok"
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == before
