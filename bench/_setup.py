"""Shared start-up for benchmarks: Django on a scratch PostgreSQL database.

DATABASE_URL decides the database (default: a local ``opsplatform_bench``,
created and migrated if needed). Benchmarks print figures; they assert nothing.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opsplatform.settings")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/opsplatform_bench")
os.environ.setdefault("HUEY_IMMEDIATE", "true")
# Migrations run as DATABASE_URL's user (the owner); the figures are then taken
# as this LOGIN role, under row-level security as in production. Empty: as the owner.
APP_ROLE = os.environ.setdefault("BENCH_APP_ROLE", "ops_app")
os.environ.setdefault("DATABASE_APP_ROLE", APP_ROLE)


def ensure_database() -> None:
    url = os.environ["DATABASE_URL"]
    if not url.startswith("postgres"):
        return
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


_done = False


def setup() -> None:
    """Once per process: a script may import another's helpers, which sets up too."""
    global _done
    if _done:
        return
    _done = True
    ensure_database()
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    if APP_ROLE and os.environ["DATABASE_URL"].startswith("postgres"):
        _connect_as_app_role()


def _connect_as_app_role() -> None:
    from django.db import connection, connections

    with connection.cursor() as cursor:
        cursor.execute(
            f'ALTER ROLE "{APP_ROLE}" LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE'
        )
    for alias in connections:
        connections[alias].close()
        connections[alias].settings_dict["USER"] = APP_ROLE
        connections[alias].settings_dict["PASSWORD"] = ""
    # Child processes (the approvers of bench/approvals.py) connect the same way.
    url = os.environ["DATABASE_URL"]
    os.environ["BENCH_OWNER_URL"] = url
    scheme, rest = url.split("://", 1)
    os.environ["DATABASE_URL"] = f"{scheme}://{APP_ROLE}@{rest.split('@', 1)[-1]}"


def analyze(*tables: str) -> None:
    """Fresh planner statistics, as autovacuum would keep them. ANALYZE is the
    owner's to run (the application's role is skipped with a warning)."""
    url = os.environ.get("BENCH_OWNER_URL") or os.environ["DATABASE_URL"]
    if not url.startswith("postgres"):
        return
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        for table in tables:
            conn.execute(f'ANALYZE "{table}"')


def fresh_tenant(prefix: str):
    """A new company for one run, so runs never see each other's rows."""
    import time

    from tenants import services

    slug = f"{prefix}-{int(time.time() * 1000) % 10**9}"
    return services.tenant_create(name=slug, slug=slug)


def median(values):
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2
