"""The audit tables' hash chain, kept by PostgreSQL (audit invariant, docs/audit.md).

History rows and gate-log rows are chained per tenant by a trigger the
application cannot skip; the row's time is the database's; ``verify_audit``
finds a row altered behind the application's back, a deleted row and a row
forged with the trigger bypassed; the application's role cannot move a chain's
head.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from opsplatform.audit_chain import Problem, audit_sources, consistent_snapshot, verify_chain
from opsplatform.models import PLATFORM_CHAIN, AuditChainLink
from opsplatform.tenancy import tenant_context
from opsplatform.tenancy.rls import append_only_tables
from tenants.models import Membership
from tests.db_roles import as_app_role
from tests.factories import MembershipFactory, UserFactory
from tests.modules.approvals.factories import make_approval_request

pytestmark = [pytest.mark.postgres]
in_test_transaction = pytest.mark.django_db
# Tampering needs the owner (a superuser) on its own connection, which sees only
# committed rows; so those tests commit, and are flushed (as the owner) after.
committed = pytest.mark.django_db(transaction=True)

LONG_AGO = dt.datetime(2001, 1, 1, tzinfo=dt.UTC)
MEMBERSHIP_HISTORY = "tenants_historicalmembership"


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("the audit chain is kept by PostgreSQL triggers (SQLite has none)")


def _sql(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description else None


def _owner(sql, params=(), *, bypass_triggers=False):
    """Run ``sql`` as the tables' owner on its own connection, the way a DBA
    (or an attacker with the owner's password) would: no grant, no policy and,
    with ``bypass_triggers``, no trigger in the way."""
    import psycopg

    own = settings.TEST_OWNER_DATABASE or connection.settings_dict
    with psycopg.connect(
        dbname=connection.settings_dict["NAME"],
        user=own.get("USER") or None,
        password=own.get("PASSWORD") or None,
        host=own.get("HOST") or None,
        port=own.get("PORT") or None,
        autocommit=True,
    ) as conn:
        conn.execute("SET app.maintenance = 'on'")  # the owner's policy under FORCE RLS
        if bypass_triggers:
            conn.execute("SET session_replication_role = replica")  # superuser only
        cursor = conn.execute(sql, params)
        return cursor.fetchall() if cursor.description else None


def _verify(tenant):
    with consistent_snapshot(), tenant_context(tenant):
        return verify_chain(tenant.pk)


def _history_rows(tenant, table=MEMBERSHIP_HISTORY):
    with tenant_context(tenant):
        return _sql(
            f"SELECT history_id, audit_seq, audit_hash FROM {table} "
            "WHERE tenant_id = %s ORDER BY audit_seq",
            [tenant.pk],
        )


def _forge_copy_of(history_id, *, seq, fake_hash):
    """Insert a copy of a membership history row with a chosen seq and hash, triggers off."""
    columns = [
        c
        for (c,) in _owner(
            "SELECT column_name FROM information_schema.columns WHERE table_name = %s "
            "AND column_name NOT IN ('history_id', 'audit_seq', 'audit_hash')",
            [MEMBERSHIP_HISTORY],
        )
    ]
    listed = ", ".join(columns)
    ((new_id,),) = _owner(
        f"INSERT INTO {MEMBERSHIP_HISTORY} ({listed}, audit_seq, audit_hash) "
        f"SELECT {listed}, %s, %s FROM {MEMBERSHIP_HISTORY} WHERE history_id = %s "
        "RETURNING history_id",
        [seq, fake_hash, history_id],
        bypass_triggers=True,
    )
    return new_id


def _head(chain):
    """Where the chain stands: its newest link."""
    return AuditChainLink.objects.filter(chain_id=chain).order_by("-seq").first()


def _first_history_id(tenant, member):
    with tenant_context(tenant):
        return member.history.get().pk


@in_test_transaction
def test_every_audit_table_has_the_chain_trigger():
    triggered = {
        table
        for (table,) in _sql(
            "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE t.tgname = 'audit_chain_stamp'"
        )
    }
    assert "approvals_gatelog" in triggered
    assert "tenants_historicaluser" in triggered
    assert set(append_only_tables()) <= triggered
    assert {s.table for s in audit_sources()} == set(append_only_tables())


@in_test_transaction
def test_each_tenant_has_its_own_gapless_chain_across_tables(tenant_a, tenant_b):
    with tenant_context(tenant_a):
        MembershipFactory()
        make_approval_request()  # the request, its lines, their history, in A's chain
    with tenant_context(tenant_b):
        MembershipFactory()
    seqs = []
    with tenant_context(tenant_a):
        for source in audit_sources():
            if source.has_tenant:
                seqs += [
                    s
                    for (s,) in _sql(
                        f"SELECT audit_seq FROM {source.table} WHERE tenant_id = %s",
                        [tenant_a.pk],
                    )
                ]
    assert len(seqs) > 5
    assert sorted(seqs) == list(range(1, len(seqs) + 1))
    assert _head(tenant_a.pk).seq == len(seqs)
    assert _head(tenant_b.pk).seq < _head(tenant_a.pk).seq


@committed
def test_a_clean_chain_verifies(tenant_a, tenant_b, capsys):
    with tenant_context(tenant_a):
        member = MembershipFactory()
        member.status = Membership.Status.DEACTIVATED
        member.save()
        make_approval_request()
    with tenant_context(tenant_b):
        MembershipFactory()
    report = _verify(tenant_a)
    assert report.ok, report.breaks
    assert report.rows == report.head_seq > 0
    with consistent_snapshot():
        assert verify_chain(PLATFORM_CHAIN).ok

    # Outside any transaction, as it runs in production (its own snapshot per chain).
    call_command("verify_audit")
    out = capsys.readouterr().out
    assert "acme:" in out and "globex:" in out and "platform:" in out
    assert "intact" in out


@committed
def test_a_row_altered_behind_the_applications_back_is_found(tenant_a, tenant_b):
    with tenant_context(tenant_a):
        member = MembershipFactory()
    with tenant_context(tenant_b):
        MembershipFactory()
    history_id = _first_history_id(tenant_a, member)
    (seq,) = [r[1] for r in _history_rows(tenant_a) if r[0] == history_id]
    _owner(
        f"UPDATE {MEMBERSHIP_HISTORY} SET status = 'deactivated' WHERE history_id = %s",
        [history_id],
    )

    (broken,) = _verify(tenant_a).breaks
    assert (broken.table, broken.row_id, broken.seq) == (MEMBERSHIP_HISTORY, history_id, seq)
    assert broken.problem == str(Problem.ALTERED)
    assert _verify(tenant_b).ok  # the other company's chain is untouched


@committed
def test_the_command_reports_the_first_broken_link_and_fails(tenant_a, capsys):
    with tenant_context(tenant_a):
        member = MembershipFactory()
    history_id = _first_history_id(tenant_a, member)
    _owner(
        f"UPDATE {MEMBERSHIP_HISTORY} SET status = 'deactivated' WHERE history_id = %s",
        [history_id],
    )
    with pytest.raises(CommandError) as failed:
        call_command("verify_audit", tenant="acme")
    assert failed.value.returncode == 1
    err = capsys.readouterr().err
    assert f"{MEMBERSHIP_HISTORY} row {history_id}" in err
    assert "altered" in err


@committed
def test_a_deleted_row_is_found(tenant_a):
    with tenant_context(tenant_a):
        member = MembershipFactory()
        member.status = Membership.Status.DEACTIVATED
        member.save()
    first = _history_rows(tenant_a)[0]
    _owner(f"DELETE FROM {MEMBERSHIP_HISTORY} WHERE history_id = %s", [first[0]])
    broken = _verify(tenant_a).breaks
    assert broken[0].problem == str(Problem.MISSING)
    assert broken[0].detail == f"{first[1]}..{first[1]}"


@committed
def test_a_forged_insert_past_the_head_is_found(tenant_a):
    with tenant_context(tenant_a):
        member = MembershipFactory()
    genuine = _first_history_id(tenant_a, member)
    forged_id = _forge_copy_of(genuine, seq=_head(tenant_a.pk).seq + 1, fake_hash="f" * 64)

    (broken,) = _verify(tenant_a).breaks
    assert (broken.row_id, broken.problem) == (forged_id, str(Problem.BEYOND_HEAD))


@committed
def test_a_forged_insert_that_takes_a_real_rows_number_is_found(tenant_a):
    with tenant_context(tenant_a):
        member = MembershipFactory()
    genuine = _first_history_id(tenant_a, member)
    forged_id = _forge_copy_of(genuine, seq=_head(tenant_a.pk).seq + 1, fake_hash="0" * 64)
    # The next real write takes the same number through the trigger.
    with tenant_context(tenant_a):
        member.status = Membership.Status.DEACTIVATED
        member.save()

    (broken,) = _verify(tenant_a).breaks
    assert (broken.row_id, broken.problem) == (forged_id, str(Problem.DUPLICATE))


@committed
def test_a_forged_insert_with_a_made_up_hash_in_the_middle_is_found(tenant_a):
    with tenant_context(tenant_a):
        member = MembershipFactory()
    genuine = _first_history_id(tenant_a, member)
    # The forger also appends a link, as if the row had been written by the trigger.
    seq = _head(tenant_a.pk).seq + 1
    forged_id = _forge_copy_of(genuine, seq=seq, fake_hash="a" * 64)
    _owner(
        "INSERT INTO opsplatform_auditchainlink (chain_id, seq, hash) VALUES (%s, %s, %s)",
        [tenant_a.pk, seq, "b" * 64],
    )
    with tenant_context(tenant_a):
        member.status = Membership.Status.DEACTIVATED
        member.save()

    broken = _verify(tenant_a).breaks
    assert (broken[0].row_id, broken[0].problem) == (forged_id, str(Problem.FORGED))


@committed
def test_a_forged_insert_without_a_sequence_number_is_found(tenant_a):
    with tenant_context(tenant_a):
        member = MembershipFactory()
    forged_id = _forge_copy_of(_first_history_id(tenant_a, member), seq=None, fake_hash=None)
    (broken,) = _verify(tenant_a).breaks
    assert (broken.row_id, broken.problem) == (forged_id, str(Problem.NO_SEQ))


@in_test_transaction
def test_a_backdated_history_date_is_replaced_by_the_database_clock(tenant_a):
    started = timezone.now() - dt.timedelta(minutes=5)
    with tenant_context(tenant_a):
        member = Membership(user=UserFactory())
        member._history_date = LONG_AGO  # simple-history's way to backdate a row
        member.save()
        recorded = member.history.get()
    assert recorded.history_date > started


@in_test_transaction
def test_a_backdated_gate_log_row_gets_the_database_time(tenant_a):
    from modules.approvals.models import GateLog

    started = timezone.now() - dt.timedelta(minutes=5)
    with tenant_context(tenant_a):
        request = make_approval_request()
        row = GateLog.objects.create(request=request, action="submitted", at=LONG_AGO)
        row.refresh_from_db()
    assert row.at > started
    assert row.audit_seq and len(row.audit_hash) == 64
    assert _verify(tenant_a).ok


# -- the application's role ---------------------------------------------------


@in_test_transaction
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE opsplatform_auditchainlink SET hash = ''",
        "DELETE FROM opsplatform_auditchainlink",
        "INSERT INTO opsplatform_auditchainlink (chain_id, seq, hash) VALUES (987654, 1, '')",
        "TRUNCATE opsplatform_auditchainlink",
        "SELECT * FROM opsplatform_auditchainhead FOR UPDATE",
        "DELETE FROM opsplatform_auditchainhead",
        "INSERT INTO opsplatform_auditchainhead (chain_id) VALUES (987654)",
        "TRUNCATE opsplatform_auditchainhead",
    ],
    ids=[
        "update-link",
        "delete-link",
        "insert-link",
        "truncate-link",
        "lock-head",
        "delete-head",
        "insert-head",
        "truncate-head",
    ],
)
def test_the_app_role_cannot_write_a_chain_head(tenant_a, statement):
    with tenant_context(tenant_a):
        MembershipFactory()
    before = _head(tenant_a.pk)
    with pytest.raises(DatabaseError, match="permission denied"):
        with as_app_role(), tenant_context(tenant_a), transaction.atomic():
            _sql(statement)
    after = _head(tenant_a.pk)
    assert (after.seq, after.hash) == (before.seq, before.hash)


@in_test_transaction
def test_the_app_roles_writes_are_chained_and_verifiable_in_its_tenant(tenant_a, tenant_b):
    with tenant_context(tenant_b):
        MembershipFactory()
    with as_app_role(), tenant_context(tenant_a):
        assert _sql("SELECT count(*) FROM opsplatform_auditchainlink")[0][0] >= 1
        member = Membership.objects.create(user=UserFactory())
        member.status = Membership.Status.DEACTIVATED
        member.save()
        with consistent_snapshot():
            report = verify_chain(tenant_a.pk)
    assert report.ok, report.breaks
    assert report.rows == _head(tenant_a.pk).seq
