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


def _is_tenant_table(model) -> bool:
    from opsplatform.tenancy.models import TenantModel

    if model._meta.proxy or not model._meta.managed:
        return False
    if issubclass(model, TenantModel):
        return True
    # simple-history's copy of a tenant model carries the same tenant column.
    instance_type = getattr(model, "instance_type", None)
    return instance_type is not None and issubclass(instance_type, TenantModel)


def tenant_tables() -> list[str]:
    """Every table holding tenant rows: tenant models and their history tables."""
    return sorted({m._meta.db_table for m in apps.get_models() if _is_tenant_table(m)})


def history_tables() -> list[str]:
    return sorted({m._meta.db_table for m in apps.get_models() if hasattr(m, "instance_type")})


def append_only_tables() -> list[str]:
    """Audit tables: simple-history's, and models that declare ``append_only = True``
    (an approval's gate log)."""
    declared = {m._meta.db_table for m in apps.get_models() if getattr(m, "append_only", False)}
    return sorted(set(history_tables()) | declared)


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


def grant_app_role(role: str, using: str = "default") -> None:
    """Give the application's own (non-owner) role what it needs, and no more.

    It reads and writes domain tables, under the policies above; the audit
    tables are append-only for it (tenancy and audit invariants).
    """
    from django.db import connections

    conn = connections[using]
    if conn.vendor != "postgresql" or not role:
        return
    q = conn.ops.quote_name
    with conn.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
        if cursor.fetchone() is None:
            cursor.execute(f"CREATE ROLE {q(role)} NOLOGIN")
        cursor.execute(f"GRANT USAGE ON SCHEMA public TO {q(role)}")
        cursor.execute(
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {q(role)}"
        )
        cursor.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {q(role)}")
        existing = set(conn.introspection.table_names(cursor))
        for table in append_only_tables():
            if table in existing:
                cursor.execute(f"REVOKE UPDATE, DELETE, TRUNCATE ON {q(table)} FROM {q(role)}")
    # The audit chain's heads: readable, never writable (opsplatform/audit_chain.py).
    from opsplatform.audit_chain import restrict_app_role

    restrict_app_role(role, using=using)


def after_migrate(sender, using="default", **kwargs) -> None:
    """post_migrate: keep policies (and the app role's grants) in step with the models."""
    from django.conf import settings

    # post_migrate fires once per app, all after the last migration; once is enough.
    if getattr(sender, "name", None) != "opsplatform":
        return
    apply_policies(using=using)
    grant_app_role(getattr(settings, "DATABASE_APP_ROLE", ""), using=using)
