"""The pieces of `make serve-prod`: the production settings under uvicorn with two
worker processes, on the test database as the application's role.

A company's host is served and an unknown host is not, and when one worker
process is killed the supervisor starts another while the other keeps answering.
PostgreSQL and Redis only (production requires both); skipped when no port binds.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from django.conf import settings
from django.db import connection

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    try:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            return sock.getsockname()[1]
    except OSError:
        pytest.skip("cannot bind a local port")


def answer(port: int, host: str, path: str):
    return requests.get(
        f"http://127.0.0.1:{port}{path}",
        headers={"Host": f"{host}:{port}"},
        allow_redirects=False,
        timeout=5,
    )


def workers_of(process: subprocess.Popen) -> list[int]:
    import psutil

    pids = []
    for child in psutil.Process(process.pid).children():
        try:
            if child.status() != psutil.STATUS_ZOMBIE and "resource_tracker" not in " ".join(
                child.cmdline()
            ):
                pids.append(child.pid)
        except psutil.Error:
            continue  # the worker that was just killed
    return pids


@pytest.fixture
def server():
    if connection.vendor != "postgresql" or not settings.REDIS_URL:
        pytest.skip("the production settings need PostgreSQL and Redis")
    port = free_port()
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "opsplatform.settings.production",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "SECRET_KEY": settings.SECRET_KEY,
        # The scope key the test database was migrated with.
        "RLS_SCOPE_KEY": settings.RLS_SCOPE_KEY or "",
        "BASE_DOMAIN": settings.BASE_DOMAIN,
        "SECURE_SSL_REDIRECT": "false",
        "LOG_LEVEL": "WARNING",
    }
    env.pop("DATABASE_OWNER_URL", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "opsplatform.asgi:application"]
        + ["--host", "127.0.0.1", "--port", str(port), "--workers", "2", "--lifespan", "off"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.time() + 90
        while time.time() < deadline:
            if process.poll() is not None:
                pytest.fail(f"uvicorn exited: {process.stderr.read()[-2000:]}")
            try:
                if answer(port, settings.BASE_DOMAIN, "/healthz").status_code == 200:
                    break
            except requests.RequestException:
                time.sleep(0.5)
        else:
            pytest.fail("uvicorn did not answer /healthz in 90 s")
        yield process, port
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()


def test_two_workers_serve_companies_and_survive_losing_one(server, tenant_a):
    process, port = server
    company_host = tenant_a.domains.get(is_primary=True).domain

    health = answer(port, settings.BASE_DOMAIN, "/healthz")
    # No huey worker runs here, so its heartbeat may be late ("degraded"), never an error.
    assert health.status_code == 200
    assert health.json()["checks"]["database"] == "ok"
    signin = answer(port, company_host, "/admin/")
    assert signin.status_code == 302 and "/admin/login/" in signin.headers["Location"]
    assert answer(port, "nobody.example", "/admin/").status_code == 404

    workers = workers_of(process)
    assert len(workers) == 2
    os.kill(workers[0], signal.SIGKILL)
    # The other worker keeps answering while the supervisor replaces the dead one.
    assert answer(port, company_host, "/admin/").status_code == 302
    deadline = time.time() + 60
    while time.time() < deadline:
        now = workers_of(process)
        if len(now) == 2 and workers[0] not in now:
            break
        time.sleep(0.5)
    else:
        pytest.fail(f"the killed worker was not replaced: {workers_of(process)}")
    for _ in range(4):
        assert answer(port, company_host, "/admin/").status_code == 302
