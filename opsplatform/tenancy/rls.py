"""PostgreSQL row-level security: the database's own guard on tenant tables.

Every tenant table (tenant models and their history) has ``FORCE ROW LEVEL
SECURITY`` and one policy: a row is visible and writable only when its
``tenant_id`` is the tenant the transaction is scoped to. The scope is two
transaction-local settings, ``app.tenant_id`` and ``app.tenant_sig``; the signature is
a keyed hash of the id whose key only the process (settings) and the tables'
owner (``ops_private.rls_key``) know. So the application's role cannot widen
its scope by setting a variable: a forged or replayed id without the right
signature scopes to nothing. There is no landlord bypass.

The application connects as a role that neither owns the tables nor has
BYPASSRLS (``DATABASE_APP_ROLE``; :func:`database_role_problems` refuses
anything else in production). Migrations run as the owner. The few reads
that must cross tenants (a person's own memberships, the landlord's member
counts) are SECURITY DEFINER functions owned by the owner, each one narrow
and named here; inside them ``app.maintenance`` opens the owner's policy.

Each transaction is scoped by the database backend
(``opsplatform.db.backends.postgresql``) from ``get_current_tenant()``, so
code only has to be in ``tenant_context``; nothing outlives its transaction,
so PgBouncer in transaction mode is safe. On SQLite all of this is a no-op.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

from django.apps import apps
from django.conf import settings
from django.db import DatabaseError, connection, connections, transaction
from django.utils.crypto import salted_hmac

from opsplatform.contract.registry import retired_audit_tables
from opsplatform.tenancy.context import tenant_context

POLICY_NAME = "tenant_isolation"
OWNER_POLICY_NAME = "owner_maintenance"
SCOPE_FUNCTION = "public.ops_current_tenant"
PRIVATE_SCHEMA = "ops_private"


def is_postgres(using: str = "default") -> bool:
    return connections[using].vendor == "postgresql"


# -- the signed scope -----------------------------------------------------------


@lru_cache(maxsize=1)
def scope_key() -> str:
    """The key that signs a tenant scope: RLS_SCOPE_KEY, or derived from SECRET_KEY."""
    configured = getattr(settings, "RLS_SCOPE_KEY", "")
    if configured:
        return configured
    return salted_hmac("opsplatform.tenancy.rls", "scope", algorithm="sha256").hexdigest()


def scope_signature(tenant_id: int) -> str:
    # The same expression as ops_current_tenant() in the database.
    return hashlib.sha256(f"{scope_key()}:{tenant_id}".encode()).hexdigest()


def scope_settings(tenant_id: int | None) -> tuple[str, str]:
    """Values of app.tenant_id and app.tenant_sig for a scope (None: no tenant)."""
    if tenant_id is None:
        return "", ""
    return str(tenant_id), scope_signature(tenant_id)


@contextmanager
def tenant_transaction(tenant) -> Iterator[object]:
    """``tenant_context`` plus one transaction: what huey tasks, consumers and
    commands use to work for one tenant. The backend scopes the connection."""
    with tenant_context(tenant), transaction.atomic():
        yield tenant


# -- which tables ----------------------------------------------------------------


def _is_tenant_table(model) -> bool:
    from opsplatform.tenancy.models import TenantModel

    if model._meta.proxy or not model._meta.managed:
        return False
    if issubclass(model, TenantModel):
        return True
    # simple-history's copy of a tenant model carries the same tenant column.
    instance_type = getattr(model, "instance_type", None)
    return instance_type is not None and issubclass(instance_type, TenantModel)


def retired_tables() -> list[str]:
    """Audit tables no model writes any more, kept for the chain (docs/audit.md):
    read-only for the application's role."""
    return [retired.table for retired in retired_audit_tables()]


def tenant_tables() -> list[str]:
    """Every table holding tenant rows: tenant models, their history tables and
    the retired audit tables of tenant models (their rows are tenant data still)."""
    live = {m._meta.db_table for m in apps.get_models() if _is_tenant_table(m)}
    retired = {r.table for r in retired_audit_tables() if r.tenant_scoped}
    return sorted(live | retired)


def history_tables() -> list[str]:
    return sorted({m._meta.db_table for m in apps.get_models() if hasattr(m, "instance_type")})


def append_only_tables() -> list[str]:
    """Audit tables: simple-history's, models that declare ``append_only = True``
    (an approval's gate log) and the retired ones."""
    declared = {m._meta.db_table for m in apps.get_models() if getattr(m, "append_only", False)}
    return sorted(set(history_tables()) | declared | set(retired_tables()))


# -- the database side -----------------------------------------------------------


def _scope_function_sql() -> list[str]:
    return [
        f"CREATE SCHEMA IF NOT EXISTS {PRIVATE_SCHEMA}",
        f"REVOKE ALL ON SCHEMA {PRIVATE_SCHEMA} FROM PUBLIC",
        f"CREATE TABLE IF NOT EXISTS {PRIVATE_SCHEMA}.rls_key"
        " (one boolean PRIMARY KEY DEFAULT true CHECK (one), secret text NOT NULL)",
        f"REVOKE ALL ON {PRIVATE_SCHEMA}.rls_key FROM PUBLIC",
        # Evaluated once per statement (the policies call it as an InitPlan).
        f"""
        CREATE OR REPLACE FUNCTION {SCOPE_FUNCTION}() RETURNS bigint
        LANGUAGE sql STABLE SECURITY DEFINER
        SET search_path = pg_catalog
        AS $fn$
          SELECT CASE
            WHEN v.t ~ '^[0-9]{{1,18}}$'
             AND v.s = encode(sha256(convert_to(k.secret || ':' || v.t, 'UTF8')), 'hex')
            THEN v.t::bigint
          END
          FROM (SELECT current_setting('app.tenant_id', true) AS t,
                       current_setting('app.tenant_sig', true) AS s) AS v
          CROSS JOIN {PRIVATE_SCHEMA}.rls_key AS k
        $fn$
        """,
    ]


def _crossing_functions_sql() -> list[str]:
    """The only reads that cross tenants, each a narrow SECURITY DEFINER function."""
    opened = "SET search_path = pg_catalog, public SET app.maintenance = 'on'"
    return [
        # A person's own memberships in every company (the company switcher,
        # the landlord's user page): tenants.selectors.memberships_of_user.
        f"""
        CREATE OR REPLACE FUNCTION public.ops_memberships_of_user(p_user bigint)
        RETURNS SETOF public.tenants_membership
        LANGUAGE sql STABLE SECURITY DEFINER {opened}
        AS $fn$ SELECT * FROM public.tenants_membership WHERE user_id = p_user $fn$
        """,
        # How many active members a company has (the landlord's company list).
        f"""
        CREATE OR REPLACE FUNCTION public.ops_active_member_count(p_tenant bigint)
        RETURNS bigint
        LANGUAGE sql STABLE SECURITY DEFINER {opened}
        AS $fn$
          SELECT count(*) FROM public.tenants_membership
          WHERE tenant_id = p_tenant AND status = 'active'
        $fn$
        """,
    ]


def policy_sql(table: str) -> list[str]:
    quoted = connection.ops.quote_name(table)
    check = f"(tenant_id = (SELECT {SCOPE_FUNCTION}()))"
    maintenance = "(current_setting('app.maintenance', true) = 'on')"
    return [
        f"ALTER TABLE {quoted} ENABLE ROW LEVEL SECURITY",
        f"ALTER TABLE {quoted} FORCE ROW LEVEL SECURITY",
        f"DROP POLICY IF EXISTS {POLICY_NAME} ON {quoted}",
        f"CREATE POLICY {POLICY_NAME} ON {quoted} USING {check} WITH CHECK {check}",
        # The owner (migrations, the SECURITY DEFINER functions above) sees
        # across tenants only where it says so; FORCE keeps it scoped otherwise.
        f"DROP POLICY IF EXISTS {OWNER_POLICY_NAME} ON {quoted}",
        f"CREATE POLICY {OWNER_POLICY_NAME} ON {quoted} TO CURRENT_USER"
        f" USING {maintenance} WITH CHECK {maintenance}",
    ]


def open_owner_maintenance(conn) -> None:
    """For the rest of this transaction, let the owner (a migration's data step)
    see every company's rows through its ``owner_maintenance`` policy. The
    application's role gains nothing from it: that policy binds only the owner."""
    if conn.vendor == "postgresql":
        with conn.cursor() as cursor:
            cursor.execute("SELECT set_config('app.maintenance', 'on', true)")


def apply_policies(using: str = "default") -> list[str]:
    """Create or refresh the scope function, the key, the crossing functions and
    the policy on every tenant table; returns the tables."""
    conn = connections[using]
    if conn.vendor != "postgresql":
        return []
    tables = tenant_tables()
    existing = set(conn.introspection.table_names())
    done = []
    with conn.cursor() as cursor:
        for statement in _scope_function_sql():
            cursor.execute(statement)
        cursor.execute(
            f"INSERT INTO {PRIVATE_SCHEMA}.rls_key (one, secret) VALUES (true, %s)"
            " ON CONFLICT (one) DO UPDATE SET secret = EXCLUDED.secret",
            [scope_key()],
        )
        if "tenants_membership" in existing:
            for statement in _crossing_functions_sql():
                cursor.execute(statement)
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
    tables are append-only for it, and the retired ones read-only; the private schema (the scope key) is not
    its to read.
    """
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
        cursor.execute(f"REVOKE ALL ON SCHEMA {PRIVATE_SCHEMA} FROM {q(role)}")
        existing = set(conn.introspection.table_names(cursor))
        for table in append_only_tables():
            if table in existing:
                cursor.execute(f"REVOKE UPDATE, DELETE, TRUNCATE ON {q(table)} FROM {q(role)}")
        # A retired audit table is read, never written: not even a new row.
        for table in retired_tables():
            if table in existing:
                cursor.execute(f"REVOKE INSERT ON {q(table)} FROM {q(role)}")
    # The audit chain's heads: readable, never writable (opsplatform/audit_chain.py).
    from opsplatform.audit_chain import restrict_app_role

    restrict_app_role(role, using=using)


def after_migrate(sender, using="default", **kwargs) -> None:
    """post_migrate: keep policies (and the app role's grants) in step with the models."""
    # post_migrate fires once per app, all after the last migration; once is enough.
    if getattr(sender, "name", None) != "opsplatform":
        return
    apply_policies(using=using)
    grant_app_role(getattr(settings, "DATABASE_APP_ROLE", ""), using=using)


# -- the role the application runs as -----------------------------------------------


def database_role_problems(using: str = "default") -> list[str]:
    """Why this connection's role must not run the application (empty: it may).

    A superuser or a BYPASSRLS role skips every policy; an owner of the tables
    (or a member of the owner's role) could switch them off. And the database
    must accept this process's scope signatures, or every tenant would read as empty.
    """
    conn = connections[using]
    if conn.vendor != "postgresql":
        return []
    problems = []
    with conn.cursor() as cursor:
        cursor.execute(
            "SELECT current_user, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user"
        )
        user, superuser, bypass = cursor.fetchone()
        if superuser:
            problems.append(f"the database user {user} is a superuser")
        if bypass:
            problems.append(f"the database user {user} has BYPASSRLS")
        cursor.execute(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')"
            " AND pg_has_role(current_user, c.relowner, 'MEMBER')"
        )
        if cursor.fetchone()[0]:
            problems.append(f"the database user {user} owns the tables (run only migrations so)")
        if not superuser and not _accepts_scope(conn):
            problems.append(
                "the database does not accept this process's tenant scope: run migrate "
                "with the same RLS_SCOPE_KEY (or SECRET_KEY)"
            )
    return problems


def _accepts_scope(conn) -> bool:
    # A scope of its own, local to its own transaction (or savepoint).
    try:
        with transaction.atomic(using=conn.alias), conn.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('app.tenant_id', %s, true),"
                " set_config('app.tenant_sig', %s, true)",
                scope_settings(0),
            )
            cursor.execute(f"SELECT {SCOPE_FUNCTION}() IS NOT DISTINCT FROM 0")
            return bool(cursor.fetchone()[0])
    except DatabaseError:
        return False  # no scope function: migrations have not run
    finally:
        # Inside an outer transaction the probe's scope outlives its savepoint:
        # the backend scopes again before the next statement.
        if hasattr(conn, "forget_tenant_scope"):
            conn.forget_tenant_scope()
