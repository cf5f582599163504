"""The demo's SQLite database serves pages while an import writes (issue 9):
write-ahead logging, and writers that wait instead of failing."""

from __future__ import annotations

import threading

import pytest
from django.db.backends.sqlite3.base import DatabaseWrapper

from opsplatform.settings import database


def _connection(path) -> DatabaseWrapper:
    config = database(f"sqlite:///{path}")
    config.update(
        {
            "ATOMIC_REQUESTS": False,
            "AUTOCOMMIT": True,
            "CONN_HEALTH_CHECKS": False,
            "TIME_ZONE": None,
            "TEST": {},
        }
    )
    return DatabaseWrapper(config, alias=f"demo-{threading.get_ident()}")


@pytest.fixture(autouse=True)
def _own_connections(django_db_blocker):
    # These tests open their own SQLite files, outside the test database.
    with django_db_blocker.unblock():
        yield


def test_the_demo_database_uses_write_ahead_logging(tmp_path):
    connection = _connection(tmp_path / "demo.sqlite3")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] >= 20_000
    connection.close()


def test_a_reader_is_not_blocked_by_an_open_write(tmp_path):
    path = tmp_path / "demo.sqlite3"
    writer, reader = _connection(path), _connection(path)
    with writer.cursor() as cursor:
        cursor.execute("CREATE TABLE people (name text)")
        cursor.execute("INSERT INTO people VALUES ('committed')")
    writer.set_autocommit(False)
    with writer.cursor() as cursor:
        cursor.execute("INSERT INTO people VALUES ('importing')")  # held open, uncommitted
    with reader.cursor() as cursor:
        cursor.execute("SELECT name FROM people")
        assert cursor.fetchall() == [("committed",)]
    writer.rollback()
    writer.close()
    reader.close()
