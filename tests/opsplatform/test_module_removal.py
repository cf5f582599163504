"""Removing a module from ``MODULES`` removes it from the product and breaks
nothing: ``manage.py check`` passes, and tests/opsplatform/module_removal_checks.py
(the dashboard, the sidebar, the workspace's pages, seed_demo and every
crawler, with no trace of the module on a page) passes in a child process
started without it. A module another one requires cannot be removed alone.

The child runs on its own SQLite database and local memory cache, whatever the
suite runs on, so it never touches the suite's database."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHECKS = "tests/opsplatform/module_removal_checks.py"


def child_env(tmp_path, modules: list[str], removed: list[str]) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "DATABASE_OWNER_URL", "DATABASE_APP_ROLE", "REDIS_URL"}
        and not key.startswith("PYTEST_")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="opsplatform.settings.test",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        MODULES=",".join(modules),
        REMOVED_MODULES=",".join(removed),
    )
    return env


def run(args: list[str], env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )


@pytest.mark.parametrize(
    ("modules", "removed"),
    [
        (["modules.employees", "modules.approvals", "modules.projects"], ["leave"]),
        (["modules.employees", "modules.approvals", "modules.leave"], ["projects"]),
        (["modules.employees"], ["approvals", "leave", "projects"]),
        ([], ["employees", "approvals", "leave", "projects"]),
    ],
    ids=["without leave", "without projects", "without approvals", "without any module"],
)
def test_the_product_works_without_a_module(tmp_path, modules, removed):
    env = child_env(tmp_path, modules, removed)

    check = run(["manage.py", "check", "--fail-level", "WARNING"], env)
    assert check.returncode == 0, check.stdout + check.stderr

    tests = run(["-m", "pytest", "-q", "-p", "no:cacheprovider", CHECKS], env)
    assert tests.returncode == 0, tests.stdout[-6000:] + tests.stderr[-3000:]
    assert " passed" in tests.stdout and "failed" not in tests.stdout


def test_a_module_cannot_stay_without_one_it_requires(tmp_path):
    env = child_env(tmp_path, ["modules.approvals"], ["employees"])

    check = run(["manage.py", "check"], env)

    assert check.returncode != 0
    assert "ImproperlyConfigured" in check.stderr
    assert "modules.approvals requires employees, which is not installed" in check.stderr
