"""PostgreSQL row-level security: the database's own guard on tenant tables.

Each tenant table gets a policy that lets a row through only when its
``tenant_id`` equals ``current_setting('app.tenant_id')``, or when landlord
code has said so with ``app.landlord = 'on'``. The settings are made with
``set_config(..., true)``, so they last exactly as long as the transaction
that the tenancy middleware (or :func:`tenant_transaction`) opens.

Policies bind only roles that do not own the tables: production runs
migrations as the owner and the application as a separate role (see
docs/tenancy.md). On SQLite all of this is a no-op.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.apps import apps
from django.db import connection, transaction

from opsplatform.tenancy.context import tenant_context

POLICY_NAME = "tenant_isolation"


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


def set_rls_tenant(tenant_id: int | None) -> None:
    """Scope this transaction to one tenant (or to landlord code when None)."""
    if not is_postgres():
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('app.tenant_id', %s, true), set_config('app.landlord', %s, true)",
            [str(tenant_id) if tenant_id is not None else "", "off" if tenant_id else "on"],
        )


@contextmanager
def tenant_transaction(tenant) -> Iterator[object]:
    """``tenant_context`` plus a transaction scoped to it in the database.

    What huey tasks, consumers and commands use to work for one tenant.
    """
    with tenant_context(tenant), transaction.atomic():
        set_rls_tenant(tenant.pk if tenant is not None else None)
        yield tenant


def tenant_tables() -> list[str]:
    from opsplatform.tenancy.models import TenantModel

    tables = []
    for model in apps.get_models(include_auto_created=False):
        if issubclass(model, TenantModel) and not model._meta.proxy and model._meta.managed:
            tables.append(model._meta.db_table)
    return sorted(set(tables))


def policy_sql(table: str) -> list[str]:
    quoted = connection.ops.quote_name(table)
    check = (
        "(tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::bigint"
        " OR current_setting('app.landlord', true) = 'on')"
    )
    return [
        f"ALTER TABLE {quoted} ENABLE ROW LEVEL SECURITY",
        f"DROP POLICY IF EXISTS {POLICY_NAME} ON {quoted}",
        f"CREATE POLICY {POLICY_NAME} ON {quoted} USING {check} WITH CHECK {check}",
    ]


def apply_policies(using: str = "default") -> list[str]:
    """Create or refresh the policy on every tenant table; returns the tables."""
    from django.db import connections

    conn = connections[using]
    if conn.vendor != "postgresql":
        return []
    tables = tenant_tables()
    existing = set(conn.introspection.table_names())
    done = []
    with conn.cursor() as cursor:
        for table in tables:
            if table not in existing:
                continue
            for statement in policy_sql(table):
                cursor.execute(statement)
            done.append(table)
    return done
