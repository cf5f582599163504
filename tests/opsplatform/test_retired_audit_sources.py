"""A retired audit source (docs/audit.md, "Retiring an audit source"): the gate
log's old history table, which no model writes any more, stays a link of every
company's audit chain. ``verify_audit`` walks it, tampering with it is found,
row-level security still guards it and the application's role may only read it.
"""

from __future__ import annotations

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.db.migrations.loader import MigrationLoader
from simple_history.exceptions import NotHistoricalModelError
from simple_history.utils import get_history_model_for_model

from modules.approvals.models import GateLog
from opsplatform.audit_chain import (
    Problem,
    audit_sources,
    check_retired_tables_are_not_written,
)
from opsplatform.contract.registry import retired_audit_tables
from opsplatform.tenancy import tenant_context
from opsplatform.tenancy.rls import append_only_tables, retired_tables, tenant_tables
from tests.db_roles import as_owner
from tests.factories import MembershipFactory, UserFactory
from tests.opsplatform.test_audit_chain import _owner, _verify

RETIRED = "approvals_historicalgatelog"


@pytest.fixture
def postgres():
    if connection.vendor != "postgresql":
        pytest.skip("the chain, the policies and the grants are PostgreSQL's (SQLite has none)")


def _sql(sql, params=()):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description else None


def _insert_legacy_row(tenant, *, comment, user=None):
    """A row as simple-history wrote it before retirement: inserted with the chain's
    trigger on (as the owner, since the application's role may no longer insert)."""
    ((history_id,),) = _owner(
        f"INSERT INTO {RETIRED} (id, action, from_gate, to_gate, comment, snapshot, at,"
        " history_date, history_type, tenant_id, history_user_id)"
        " VALUES (1, 'submitted', '', 'Manager', %s, '{}', now(), now(), '+', %s, %s)"
        " RETURNING history_id",
        [comment, tenant.pk, user.pk if user else None],
    )
    return history_id


@pytest.fixture
def legacy_rows():
    """Rows this test writes into the retired table; Django's flush no longer knows
    the table, so they are removed here (as the owner, triggers off)."""
    yield
    _owner(f"DELETE FROM {RETIRED}", bypass_triggers=True)


# -- everywhere ------------------------------------------------------------------


def test_the_gate_log_has_no_history_model():
    with pytest.raises(NotHistoricalModelError):
        get_history_model_for_model(GateLog)
    assert not hasattr(GateLog, "history")
    assert all(m._meta.db_table != RETIRED for m in apps.get_models())


def test_the_module_declares_the_table_and_the_kernel_lists_it():
    (retired,) = [r for r in retired_audit_tables() if r.table == RETIRED]
    assert (retired.pk_column, retired.time_column, retired.tenant_scoped) == (
        "history_id",
        "history_date",
        True,
    )
    assert RETIRED in retired_tables()
    assert RETIRED in append_only_tables()  # UPDATE, DELETE, TRUNCATE revoked
    assert RETIRED in tenant_tables()  # its row-level security policy stays
    (source,) = [s for s in audit_sources() if s.table == RETIRED]
    assert (source.model, source.pk_column, source.has_tenant) == (None, "history_id", True)


def test_a_model_writing_a_retired_table_is_refused(monkeypatch):
    from opsplatform import audit_chain

    monkeypatch.setattr(audit_chain, "retired_tables", lambda: ["approvals_gatelog"])
    (error,) = check_retired_tables_are_not_written()
    assert error.id == "opsplatform.E102"
    assert error.obj is GateLog


@pytest.mark.django_db
def test_the_migration_forgets_the_model_and_keeps_the_table():
    migration = MigrationLoader(connection).get_migration(
        "approvals", "0005_retire_gatelog_history"
    )
    unlink, retire = migration.operations
    # Only the foreign key's constraint changes in the database; the model goes from
    # Django's state alone, so the table and its rows stay.
    assert (unlink.name, unlink.field.db_constraint) == ("history_user", False)
    assert retire.database_operations == []
    assert [op.name for op in retire.state_operations] == ["HistoricalGateLog"]
    assert RETIRED in connection.introspection.table_names()


# -- PostgreSQL: the database's side ---------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_retired_table_keeps_its_policy_and_trigger(postgres):
    rows = _sql(
        "SELECT c.relrowsecurity, c.relforcerowsecurity,"
        " EXISTS (SELECT 1 FROM pg_policies p WHERE p.tablename = c.relname"
        "         AND p.policyname = 'tenant_isolation'),"
        " EXISTS (SELECT 1 FROM pg_trigger t WHERE t.tgrelid = c.oid"
        "         AND t.tgname = 'audit_chain_stamp')"
        " FROM pg_class c WHERE c.relname = %s",
        [RETIRED],
    )
    assert rows == [(True, True, True, True)]
    # Its one real foreign key (to users) went with the model: the table stands alone.
    assert _sql(
        "SELECT count(*) FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'f'",
        [RETIRED],
    ) == [(0,)]


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_app_role_may_read_a_retired_table_and_nothing_else(postgres, tenant_a, app_role):
    with app_role(), tenant_context(tenant_a):
        assert _sql(f"SELECT count(*) FROM {RETIRED}") == [(0,)]
        writes = [
            f"INSERT INTO {RETIRED} (id, action, from_gate, to_gate, comment, snapshot, at,"
            f" history_date, history_type, tenant_id) VALUES (1, 'submitted', '', '', '',"
            f" '{{}}', now(), now(), '+', {tenant_a.pk})",
            f"UPDATE {RETIRED} SET comment = 'x'",
            f"DELETE FROM {RETIRED}",
            f"TRUNCATE {RETIRED}",
        ]
        for sql in writes:
            with pytest.raises(DatabaseError, match="permission denied"):
                _sql(sql)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_chain_verifies_across_the_migration_and_tampering_is_found(
    postgres, tenant_a, tenant_b, legacy_rows
):
    # Back to before the retirement: the table is the gate log's history again.
    with as_owner():
        call_command("migrate", "approvals", "0004", verbosity=0)
    try:
        decider = UserFactory()
        with tenant_context(tenant_a):
            MembershipFactory()
        first = _insert_legacy_row(tenant_a, comment="first", user=decider)
        with tenant_context(tenant_a):
            MembershipFactory()  # live history after it, in the same chain
        second = _insert_legacy_row(tenant_a, comment="second")
        with tenant_context(tenant_b):
            MembershipFactory()
    finally:
        with as_owner():
            call_command("migrate", verbosity=0)

    report = _verify(tenant_a)
    assert report.ok, report.breaks
    assert report.rows == report.head_seq
    assert _owner(f"SELECT count(*) FROM {RETIRED}") == [(2,)]
    call_command("verify_audit", tenant="acme")

    # The owner edits a retired row behind the application's back.
    _owner(f"UPDATE {RETIRED} SET comment = 'rewritten' WHERE history_id = %s", [first])
    (broken,) = _verify(tenant_a).breaks
    assert (broken.table, broken.row_id, broken.problem) == (RETIRED, first, str(Problem.ALTERED))

    # ... and deletes another.
    _owner(f"DELETE FROM {RETIRED} WHERE history_id = %s", [second])
    problems = {b.problem for b in _verify(tenant_a).breaks}
    assert str(Problem.MISSING) in problems
    assert _verify(tenant_b).ok
