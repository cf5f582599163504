"""The landlord's one read across companies' outbox messages.

Under FORCE row-level security the application's role sees one company's rows
at a time, and the landlord admin runs with no company. Platform staff still
need to see what failed anywhere, so, as ``ops_memberships_of_user`` does
(opsplatform.tenancy.rls), a SECURITY DEFINER function owned by the tables'
owner opens its maintenance policy for one narrow question: the messages that
are not done. A view over it lets the admin list them with an ordinary
queryset (``OutboxAttention``). Nothing writes through it: retrying a message
is an update inside that message's own company transaction.

On SQLite there is no row-level security: the view reads the table directly.
"""

from __future__ import annotations

FUNCTION = "public.ops_outbox_attention"
VIEW = "outbox_attention"
TABLE = "outbox_outboxmessage"


def create_sql(vendor: str) -> list[str]:
    if vendor == "postgresql":
        return [
            f"""
            CREATE OR REPLACE FUNCTION {FUNCTION}()
            RETURNS SETOF public.{TABLE}
            LANGUAGE sql STABLE SECURITY DEFINER
            SET search_path = pg_catalog, public SET app.maintenance = 'on'
            AS $fn$ SELECT * FROM public.{TABLE} WHERE status <> 'done' $fn$
            """,
            f"CREATE OR REPLACE VIEW public.{VIEW} AS SELECT * FROM {FUNCTION}()",
        ]
    return [
        f"DROP VIEW IF EXISTS {VIEW}",
        f"CREATE VIEW {VIEW} AS SELECT * FROM {TABLE} WHERE status <> 'done'",
    ]


def drop_sql(vendor: str) -> list[str]:
    if vendor == "postgresql":
        return [f"DROP VIEW IF EXISTS public.{VIEW}", f"DROP FUNCTION IF EXISTS {FUNCTION}()"]
    return [f"DROP VIEW IF EXISTS {VIEW}"]


def create(apps, schema_editor) -> None:
    for statement in create_sql(schema_editor.connection.vendor):
        schema_editor.execute(statement)


def drop(apps, schema_editor) -> None:
    for statement in drop_sql(schema_editor.connection.vendor):
        schema_editor.execute(statement)
