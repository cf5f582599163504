"""What the production settings module promises, read in a fresh interpreter with a
production-like environment (this test process runs the test settings)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from opsplatform.settings import BASE_DIR


def _settings_of(module: str, **env) -> dict:
    environment = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {"DJANGO_DEBUG", "EXTRA_ROOT_HOSTS", "BASE_DOMAIN", "ALLOWED_HOSTS", "REDIS_URL"}
    }
    environment.update(env)
    code = (
        f"import importlib, json; m = importlib.import_module({module!r}); "
        "print(json.dumps({'ROOT_HOSTS': sorted(m.ROOT_HOSTS), 'DEBUG': m.DEBUG}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


# What production refuses to start without; reading the module connects to nothing.
PRODUCTION_ENV = {"SECRET_KEY": "x" * 50, "REDIS_URL": "redis://redis.invalid:6379/0"}


@pytest.fixture
def production():
    return _settings_of(
        "opsplatform.settings.production", **PRODUCTION_ENV, BASE_DOMAIN="ops.example.com"
    )


def test_production_root_hosts_are_only_the_platforms_own_names(production):
    assert production["DEBUG"] is False
    assert production["ROOT_HOSTS"] == ["ops.example.com", "www.ops.example.com"]
    assert "127.0.0.1" not in production["ROOT_HOSTS"]


def test_production_takes_extra_root_hosts_only_when_named():
    values = _settings_of(
        "opsplatform.settings.production",
        **PRODUCTION_ENV,
        BASE_DOMAIN="ops.example.com",
        EXTRA_ROOT_HOSTS="admin.example.net",
    )
    assert "admin.example.net" in values["ROOT_HOSTS"]


def test_development_keeps_the_loopback_address_as_a_root_host():
    assert "127.0.0.1" in _settings_of("opsplatform.settings")["ROOT_HOSTS"]
