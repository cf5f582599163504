"""Bulk inserts with history, fast on PostgreSQL.

``bulk_create_with_history`` (simple-history) is what we use everywhere; on
PostgreSQL, for imports of tens of thousands of rows, its cost is Django
compiling one huge parameterised INSERT per batch and psycopg quoting every
value in Python (about 2,000 rows a second with history here). This module
does the same two writes — the rows and one "+" history row each, with user,
date and reason — through PostgreSQL's COPY, after taking the ids from the
table's sequence, so the caller still gets objects with primary keys.
On other databases it simply calls simple-history's helper.
bench/import_employees.py prints both rates.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection, models, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, get_history_model_for_model


def _file_name(value):
    return str(getattr(value, "name", value) or "")


def _json(value):
    from psycopg.types.json import Jsonb

    return Jsonb(value)


def _row_maker(fields: list[models.Field]):
    """A function object -> COPY row; only files and JSON need converting."""
    getters = []
    for field in fields:
        attname = field.attname
        if isinstance(field, models.FileField):
            getters.append(lambda obj, a=attname: _file_name(getattr(obj, a)))
        elif isinstance(field, models.JSONField):
            getters.append(lambda obj, a=attname: _json(getattr(obj, a)))
        else:
            getters.append(None)
    if not any(getters):
        attnames = [f.attname for f in fields]
        return lambda obj: [getattr(obj, a) for a in attnames]
    pairs = list(zip([f.attname for f in fields], getters, strict=True))
    return lambda obj: [get(obj) if get else getattr(obj, a) for a, get in pairs]


def _copy(table: str, columns: list[str], rows) -> None:
    """COPY rows into ``table``.

    PostgreSQL refuses COPY FROM into a table whose row-level security applies
    to the current role (the application's role in production). Then the rows
    are copied into a temporary table and moved with one INSERT ... SELECT,
    which the policies do check.
    """
    quote = connection.ops.quote_name
    column_list = ", ".join(quote(c) for c in columns)
    with connection.cursor() as cursor:
        cursor.execute("SELECT row_security_active(%s::regclass)", [table])
        guarded = cursor.fetchone()[0]
        target = table
        if guarded:
            target = f"_bulk_{table}"
            cursor.execute(
                f"CREATE TEMP TABLE {quote(target)} AS "
                f"SELECT {column_list} FROM {quote(table)} WITH NO DATA"
            )
        raw = cursor.cursor  # the psycopg cursor under Django's wrapper
        with raw.copy(f"COPY {quote(target)} ({column_list}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        if guarded:
            cursor.execute(
                f"INSERT INTO {quote(table)} ({column_list}) "
                f"SELECT {column_list} FROM {quote(target)}"
            )
            cursor.execute(f"DROP TABLE {quote(target)}")


def _next_ids(model: type[models.Model], count: int) -> list[int]:
    table = model._meta.db_table
    pk_column = model._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [table, pk_column, count],
        )
        return [row[0] for row in cursor.fetchall()]


def create_with_history(
    objs: Sequence[models.Model],
    model: type[models.Model],
    *,
    user=None,
    reason: str = "",
    batch_size: int = 2000,
) -> list[models.Model]:
    """Insert ``objs`` and a creation history row for each; returns them with ids."""
    objs = list(objs)
    if not objs:
        return []
    # The plan's limits, for the whole batch before any row is written and
    # again after (docs/billing.md, "Limits").
    from opsplatform.billing.limits import creating_rows

    with creating_rows(model, objs):
        return _create_with_history(objs, model, user=user, reason=reason, batch_size=batch_size)


def _create_with_history(objs, model, *, user, reason, batch_size):
    if connection.vendor != "postgresql":
        return bulk_create_with_history(
            objs, model, batch_size=batch_size, default_user=user, default_change_reason=reason
        )
    now = timezone.now()
    # Generated columns are the database's to fill (COPY refuses a value for them).
    fields = [f for f in model._meta.concrete_fields if not f.generated]
    with transaction.atomic(savepoint=False):
        for obj, pk in zip(objs, _next_ids(model, len(objs)), strict=True):
            obj.pk = pk
            for field in fields:
                if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                    setattr(obj, field.attname, now)
            obj._state.adding = False
        _copy(
            model._meta.db_table,
            [f.column for f in fields],
            map(_row_maker(fields), objs),
        )
        history = get_history_model_for_model(model)
        tracked = list(history.tracked_fields)
        columns = [f.column for f in tracked] + [
            "history_date",
            "history_change_reason",
            "history_type",
            "history_user_id",
        ]
        user_id = getattr(user, "pk", None)
        tracked_row = _row_maker(tracked)
        extra = [now, reason, "+", user_id]
        _copy(history._meta.db_table, columns, (tracked_row(obj) + extra for obj in objs))
    return objs
