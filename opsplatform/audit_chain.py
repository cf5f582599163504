"""The audit tables' hash chain, kept by PostgreSQL itself.

Every audit table (simple-history's tables, every ``append_only = True``
ledger and every retired one, i.e. ``rls.append_only_tables()``) has a BEFORE
INSERT trigger,
``audit_chain_stamp``. The trigger function is SECURITY DEFINER and owned by
the tables' owner, so the application's role cannot skip or imitate it. For
each new row it:

1. overwrites the row's time column (``history_date``, the gate log's ``at``)
   with the database's clock, whatever the client sent;
2. locks the head of the row's chain in ``opsplatform_auditchainhead`` (one
   chain per tenant across every audit table, keyed by ``tenant_id``, plus
   chain 0 for landlord tables without one), and reads the chain's newest link
   in ``opsplatform_auditchainlink`` for the next sequence number and the
   previous hash;
3. sets ``audit_seq`` and ``audit_hash = sha256(previous hash || canonical row)``
   and appends that link.

The head row is only locked, never updated: updating one row per audit row
made a 10,000-row import quadratic (every lookup walked the row's versions
from the same transaction). Links are insert-only, and their primary key
(chain, seq) means two writers can never give out one number.

The canonical row is ``audit_chain_canonical(to_jsonb(row) - 'audit_hash')``:
the row as JSON with its null columns left out (so adding a nullable column
later does not change old rows' text), rendered with the output settings the
function pins (UTC and friends). ``verify_audit`` recomputes it the same way.

One head per tenant means one lock per transaction per tenant, always the same
row, so two transactions writing several audit tables of the same tenant queue
rather than deadlock. The price is that a tenant's audit writes are serialised
from a transaction's first audit row to its commit (docs/benchmarks.md).

Installed and refreshed by post_migrate (``after_migrate`` below), never by
hand. SQLite has no triggers of this kind here: there the columns stay empty
and ``verify_audit`` says it has nothing to check.
"""

from __future__ import annotations

import hashlib
import heapq
import itertools
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.apps import apps
from django.core import checks
from django.db import connections, transaction
from django.utils.translation import gettext_lazy as _

from opsplatform.audit import AuditChained
from opsplatform.contract.registry import retired_audit_tables
from opsplatform.models import PLATFORM_CHAIN, AuditChainHead, AuditChainLink
from opsplatform.tenancy.rls import append_only_tables, retired_tables

TRIGGER = "audit_chain_stamp"
STAMP_FUNCTION = "audit_chain_stamp"
CANONICAL_FUNCTION = "audit_chain_canonical"
SEAL_FUNCTION = "audit_chain_seal"

# The output settings that decide how to_jsonb renders a row. The trigger pins
# them on itself; the verifier sets the same ones on its transaction.
PINNED_SETTINGS = {
    "timezone": "UTC",
    "intervalstyle": "postgres",
    "extra_float_digits": "1",
    "bytea_output": "hex",
}


# -- which tables ------------------------------------------------------------


@dataclass(frozen=True)
class AuditSource:
    model: type | None  # None: a retired table, which no model writes any more
    table: str
    pk_column: str
    time_column: str
    has_tenant: bool


def audit_models() -> list[type]:
    """Every model whose table is an audit table, in table order."""
    tables = set(append_only_tables()) - set(retired_tables())
    found = {}
    for model in apps.get_models():
        if model._meta.db_table in tables and not model._meta.proxy:
            found.setdefault(model._meta.db_table, model)
    return [found[t] for t in sorted(found)]


def audit_sources() -> list[AuditSource]:
    sources = []
    for model in audit_models():
        if not issubclass(model, AuditChained):
            continue  # reported by the system check below
        opts = model._meta
        time_field = getattr(model, "audit_time_field", None)
        sources.append(
            AuditSource(
                model=model,
                table=opts.db_table,
                pk_column=opts.pk.column,
                time_column=opts.get_field(time_field).column if time_field else "",
                has_tenant=any(f.column == "tenant_id" for f in opts.concrete_fields),
            )
        )
    # Retired tables stay links of the chain: walked, and their trigger kept
    # (the application's role cannot insert into them; rls.grant_app_role).
    for retired in retired_audit_tables():
        sources.append(
            AuditSource(
                model=None,
                table=retired.table,
                pk_column=retired.pk_column,
                time_column=retired.time_column,
                has_tenant=retired.tenant_scoped,
            )
        )
    return sorted(sources, key=lambda source: source.table)


@checks.register(checks.Tags.models)
def check_audit_tables_are_chained(app_configs=None, **kwargs):
    """An append-only ledger without the chain columns would be silently unchained."""
    return [
        checks.Error(
            f"{model._meta.label} is an audit table (append_only) but does not inherit "
            "opsplatform.audit.AuditChained, so the database cannot chain its rows.",
            id="opsplatform.E101",
            obj=model,
        )
        for model in audit_models()
        if not issubclass(model, AuditChained)
    ]


@checks.register(checks.Tags.models)
def check_retired_tables_are_not_written(app_configs=None, **kwargs):
    """A table declared retired must have no model: its rows are read, never written."""
    retired = set(retired_tables())
    return [
        checks.Error(
            f"{model._meta.label} writes {model._meta.db_table}, which its module declares "
            "a retired audit table (RetiredAuditTable).",
            hint="Remove the model from Django's state (docs/audit.md), or the declaration.",
            id="opsplatform.E102",
            obj=model,
        )
        for model in apps.get_models()
        if model._meta.db_table in retired
    ]


# -- the SQL -----------------------------------------------------------------


def _pinned_set_clauses() -> str:
    return "\n".join(f"SET {name} = '{value}'" for name, value in PINNED_SETTINGS.items())


def functions_sql(schema: str, head_table: str, link_table: str) -> list[str]:
    head = f'"{schema}"."{head_table}"'
    link = f'"{schema}"."{link_table}"'
    # Held until commit: the tenant's audit writes queue here, in one order.
    lock_head = f"""
    PERFORM 1 FROM {head} WHERE chain_id = chain FOR UPDATE;
    IF NOT FOUND THEN
        INSERT INTO {head} (chain_id) VALUES (chain) ON CONFLICT (chain_id) DO NOTHING;
        PERFORM 1 FROM {head} WHERE chain_id = chain FOR UPDATE;
    END IF;
    SELECT seq, hash INTO last_seq, last_hash FROM {link}
        WHERE chain_id = chain ORDER BY seq DESC LIMIT 1;
    IF NOT FOUND THEN
        last_seq := 0;
        last_hash := '';
    END IF;"""
    canonical = f'"{schema}".{CANONICAL_FUNCTION}'
    return [
        # Top-level nulls only: a JSON column's own nulls are content.
        f"""
CREATE OR REPLACE FUNCTION {canonical}(doc jsonb) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $fn$
    SELECT (SELECT jsonb_object_agg(key, value) FROM jsonb_each(doc)
            WHERE jsonb_typeof(value) <> 'null')::text
$fn$
""",
        f"""
CREATE OR REPLACE FUNCTION "{schema}".{STAMP_FUNCTION}() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
{_pinned_set_clauses()}
AS $fn$
DECLARE
    chain bigint;
    last_seq bigint;
    last_hash text;
BEGIN
    -- The database's clock, not the client's: a backdated row is impossible.
    IF TG_NARGS > 0 AND TG_ARGV[0] <> '' THEN
        NEW := jsonb_populate_record(NEW, jsonb_build_object(TG_ARGV[0], clock_timestamp()));
    END IF;
    chain := COALESCE((to_jsonb(NEW) ->> 'tenant_id')::bigint, {PLATFORM_CHAIN});
{lock_head}
    NEW.audit_seq := last_seq + 1;
    NEW.audit_hash := NULL;
    NEW.audit_hash := encode(sha256(convert_to(
        last_hash || {canonical}(to_jsonb(NEW) - 'audit_hash'), 'UTF8')), 'hex');
    INSERT INTO {link} (chain_id, seq, hash) VALUES (chain, NEW.audit_seq, NEW.audit_hash);
    RETURN NEW;
END
$fn$
""",
        # Rows written before the chain existed (an existing database migrating
        # to this version) are sealed once, in primary-key order, when their
        # table first gets the trigger. Never run on a table that already has it:
        # that would launder rows inserted with the trigger bypassed.
        f"""
CREATE OR REPLACE FUNCTION "{schema}".{SEAL_FUNCTION}(tbl regclass, pk text) RETURNS bigint
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
-- Under FORCE ROW LEVEL SECURITY the owner sees every tenant's rows only so (rls.py).
SET app.maintenance = 'on'
{_pinned_set_clauses()}
AS $fn$
DECLARE
    r record;
    chain bigint;
    last_seq bigint;
    last_hash text;
    new_hash text;
    sealed bigint := 0;
BEGIN
    FOR r IN EXECUTE format(
        'SELECT %I AS id, to_jsonb(t) AS doc FROM %s t WHERE audit_seq IS NULL ORDER BY %I',
        pk, tbl, pk)
    LOOP
        chain := COALESCE((r.doc ->> 'tenant_id')::bigint, {PLATFORM_CHAIN});
{lock_head}
        new_hash := encode(sha256(convert_to(last_hash || {canonical}(
            (r.doc - 'audit_hash') || jsonb_build_object('audit_seq', last_seq + 1)), 'UTF8')),
            'hex');
        EXECUTE format('UPDATE %s SET audit_seq = $1, audit_hash = $2 WHERE %I = $3', tbl, pk)
            USING last_seq + 1, new_hash, r.id;
        INSERT INTO {link} (chain_id, seq, hash) VALUES (chain, last_seq + 1, new_hash);
        sealed := sealed + 1;
    END LOOP;
    RETURN sealed;
END
$fn$
""",
        f'REVOKE ALL ON FUNCTION "{schema}".{SEAL_FUNCTION}(regclass, text) FROM PUBLIC',
    ]


def install(using: str = "default") -> list[str]:
    """Create or refresh the functions and every audit table's trigger; returns the tables."""
    conn = connections[using]
    if conn.vendor != "postgresql":
        return []
    q = conn.ops.quote_name
    head_table = AuditChainHead._meta.db_table
    link_table = AuditChainLink._meta.db_table
    with conn.cursor() as cursor:
        existing = set(conn.introspection.table_names(cursor))
        if not {head_table, link_table} <= existing:
            return []
        cursor.execute("SELECT current_schema()")
        schema = cursor.fetchone()[0]
        for statement in functions_sql(schema, head_table, link_table):
            cursor.execute(statement)
        cursor.execute(
            "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE t.tgname = %s AND NOT t.tgisinternal",
            [TRIGGER],
        )
        chained = {row[0] for row in cursor.fetchall()}
        done = []
        for source in audit_sources():
            if source.table not in existing:
                continue
            if source.table not in chained:
                cursor.execute(
                    f"SELECT {q(schema)}.{SEAL_FUNCTION}(%s::regclass, %s)",
                    [q(source.table), source.pk_column],
                )
            # A DDL statement takes no parameters: the column name (from the
            # model, checked to be a plain identifier) is written in as a literal.
            if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*|", source.time_column):
                raise ValueError(f"{source.table}: unexpected time column {source.time_column!r}")
            cursor.execute(
                f"CREATE OR REPLACE TRIGGER {TRIGGER} BEFORE INSERT ON {q(source.table)} "
                f"FOR EACH ROW EXECUTE FUNCTION {q(schema)}.{STAMP_FUNCTION}"
                f"('{source.time_column}')"
            )
            done.append(source.table)
    return done


def restrict_app_role(role: str, using: str = "default") -> None:
    """The application's role reads the chain heads and links and never writes them.

    Call after anything that grants the role rights on every table (rls.grant_app_role).
    """
    conn = connections[using]
    if conn.vendor != "postgresql" or not role:
        return
    q = conn.ops.quote_name
    with conn.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
        if cursor.fetchone() is None:
            return
        for model in (AuditChainHead, AuditChainLink):
            table = q(model._meta.db_table)
            cursor.execute(f"REVOKE ALL ON {table} FROM {q(role)}")
            cursor.execute(f"GRANT SELECT ON {table} TO {q(role)}")


def after_migrate(sender, using="default", **kwargs) -> None:
    """post_migrate: keep every audit table chained (connected after rls.after_migrate)."""
    from django.conf import settings

    if getattr(sender, "name", None) != "opsplatform":
        return
    install(using=using)
    restrict_app_role(getattr(settings, "DATABASE_APP_ROLE", ""), using=using)


# -- verification ------------------------------------------------------------


class Problem:
    ALTERED = _("hash mismatch: the row was altered after it was written")
    FORGED = _("hash does not chain: a row inserted with the chain's trigger bypassed")
    DUPLICATE = _("sequence number taken twice and this row's hash does not chain: a forged insert")
    BEYOND_HEAD = _("sequence number beyond the chain's head: a forged insert")
    NO_SEQ = _("no sequence number: a row inserted with the chain's trigger bypassed")
    MISSING = _("sequence numbers missing: rows were deleted")
    HEAD = _("the chain's head does not match its last row")


@dataclass(frozen=True)
class Break:
    chain: int
    table: str
    row_id: object
    seq: int | None
    problem: str
    detail: str = ""

    def __str__(self) -> str:
        where = f"{self.table} row {self.row_id}" if self.table else "chain head"
        extra = f" ({self.detail})" if self.detail else ""
        return f"chain {self.chain}: {where}, seq {self.seq}: {self.problem}{extra}"


@dataclass(frozen=True)
class _Row:
    seq: int | None
    table: str
    row_id: object
    hash: str | None
    canonical: str


@dataclass
class ChainReport:
    chain: int
    rows: int
    head_seq: int
    head_hash: str
    breaks: list[Break]

    @property
    def ok(self) -> bool:
        return not self.breaks


def link(previous_hash: str, canonical: str) -> str:
    return hashlib.sha256((previous_hash + canonical).encode("utf-8")).hexdigest()


def _rows(source: AuditSource, chain: int, using: str) -> Iterator[_Row]:
    """One table's rows of one chain, in sequence order, streamed."""
    conn = connections[using]
    q = conn.ops.quote_name
    where, params = ("tenant_id = %s", [chain]) if source.has_tenant else ("TRUE", [])
    sql = (
        f"SELECT {q(source.pk_column)}, audit_seq, audit_hash, "
        f"{CANONICAL_FUNCTION}(to_jsonb(t) - 'audit_hash') "
        f"FROM {q(source.table)} t WHERE {where} "
        f"ORDER BY audit_seq NULLS FIRST, {q(source.pk_column)}"
    )
    with conn.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while batch := cursor.fetchmany(2000):
            for row_id, seq, row_hash, canonical in batch:
                yield _Row(seq, source.table, row_id, row_hash, canonical)


def _groups(streams: Iterable[Iterator[_Row]]) -> Iterator[tuple[int | None, list[_Row]]]:
    """Every table's rows merged into one walk by sequence number (unsealed rows first)."""
    merged = heapq.merge(*streams, key=lambda r: (r.seq is not None, r.seq or 0))
    for seq, rows in itertools.groupby(merged, key=lambda r: r.seq):
        yield seq, list(rows)


def walk(
    groups: Iterable[tuple[int | None, list[_Row]]], chain: int, head_seq: int, head_hash: str
):
    """Check every link; returns (rows seen, breaks found)."""
    breaks: list[Break] = []
    seen = 0
    previous = ""  # the hash the next row must chain from
    expected = 1
    # A row whose hash did not recompute: the next link says whether its content
    # was altered (the next row chains from its stored hash) or it was forged.
    suspect: _Row | None = None

    def judge(suspect: _Row, confirmed: bool) -> None:
        problem = Problem.ALTERED if confirmed else Problem.FORGED
        breaks.append(Break(chain, suspect.table, suspect.row_id, suspect.seq, str(problem)))

    for seq, rows in groups:
        seen += len(rows)
        if seq is None:
            for row in rows:
                breaks.append(Break(chain, row.table, row.row_id, None, str(Problem.NO_SEQ)))
            continue
        if seq > head_seq or seq < 1:
            for row in rows:
                detail = f"head at {head_seq}"
                breaks.append(
                    Break(chain, row.table, row.row_id, seq, str(Problem.BEYOND_HEAD), detail)
                )
            continue
        if suspect is not None:
            judge(suspect, any(link(suspect.hash or "", r.canonical) == r.hash for r in rows))
            suspect = None
        if seq > expected:
            first = rows[0]
            detail = f"{expected}..{seq - 1}"
            breaks.append(
                Break(chain, first.table, first.row_id, seq, str(Problem.MISSING), detail)
            )
            # Nothing to recompute from across a gap: carry on from this row's hash.
            chained = [rows[0]]
        else:
            chained = [r for r in rows if link(previous, r.canonical) == r.hash]
        for row in rows:
            if chained and row is not chained[0]:
                breaks.append(Break(chain, row.table, row.row_id, seq, str(Problem.DUPLICATE)))
        if chained:
            previous = chained[0].hash or ""
        else:
            suspect = rows[0]
            for row in rows[1:]:
                breaks.append(Break(chain, row.table, row.row_id, seq, str(Problem.DUPLICATE)))
            previous = suspect.hash or ""
        expected = seq + 1
    if suspect is not None:
        judge(suspect, suspect.hash == head_hash)
    elif expected - 1 == head_seq and head_seq and previous != head_hash:
        breaks.append(Break(chain, "", None, head_seq, str(Problem.HEAD)))
    if expected - 1 < head_seq:
        detail = f"{expected}..{head_seq}"
        breaks.append(Break(chain, "", None, head_seq, str(Problem.MISSING), detail))
    return seen, breaks


@contextmanager
def consistent_snapshot(using: str = "default"):
    """One transaction whose reads all see the same moment, with the trigger's output settings.

    Heads and rows must come from one snapshot, or a row committed in between
    would look forged (beyond the head) or deleted (a gap).
    """
    conn = connections[using]
    outer = conn.in_atomic_block
    if not outer:
        # Let the backend bring the connection's tenant scope up to date now, in
        # autocommit: SET TRANSACTION must be the transaction's first statement.
        with conn.cursor() as cursor:
            cursor.execute("SELECT 1")
    with transaction.atomic(using=using), conn.cursor() as cursor:
        if not outer:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        for name, value in PINNED_SETTINGS.items():
            cursor.execute("SELECT set_config(%s, %s, true)", [name, value])
        yield


def verify_chain(chain: int, using: str = "default") -> ChainReport:
    """Walk one chain (a tenant's id, or PLATFORM_CHAIN) across every audit table.

    Call inside ``consistent_snapshot`` and, for a tenant, inside its tenant
    context (under row-level security only its rows are visible).
    """
    head = AuditChainLink.objects.using(using).filter(chain_id=chain).order_by("-seq").first()
    head_seq, head_hash = (head.seq, head.hash) if head else (0, "")
    sources = [s for s in audit_sources() if s.has_tenant == (chain != PLATFORM_CHAIN)]
    streams = [_rows(source, chain, using) for source in sources]
    seen, breaks = walk(_groups(streams), chain, head_seq, head_hash)
    return ChainReport(chain, seen, head_seq, head_hash, breaks)
