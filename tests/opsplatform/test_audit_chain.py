"""The audit tables' hash chain, kept by PostgreSQL (audit invariant, docs/audit.md).

History rows and gate-log rows are chained per tenant by a trigger the
application cannot skip; the row's time is the database's; ``verify_audit``
finds a row altered behind the application's back, a deleted row and a row
forged with the trigger bypassed; the application's role cannot move a chain's
head.
"""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from opsplatform.audit_chain import Problem, audit_sources, consistent_snapshot, verify_chain
from opsplatform.models import PLATFORM_CHAIN, AuditChainLink
from opsplatform.tenancy import tenant_context
from opsplatform.tenancy.rls import append_only_tables, grant_app_role, set_rls_tenant
from tenants.models import Membership
from tests.factories import MembershipFactory, UserFactory, make_approval_request

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

APP_ROLE = "ops_audit_test_app"
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


def _verify(tenant):
    with consistent_snapshot(), tenant_context(tenant):
        set_rls_tenant(tenant.pk)
        return verify_chain(tenant.pk)


def _problems(tenant):
    return [(b.table, b.problem) for b in _verify(tenant).breaks]


def _history_rows(tenant, table=MEMBERSHIP_HISTORY):
    return _sql(
        f"SELECT history_id, audit_seq, audit_hash FROM {table} "
        "WHERE tenant_id = %s ORDER BY audit_seq",
        [tenant.pk],
    )


@contextmanager
def _triggers_bypassed():
    # What only a superuser can do: replica mode skips ordinary triggers.
    _sql("SET session_replication_role = replica")
    try:
        yield
    finally:
        _sql("SET session_replication_role = DEFAULT")


def _forge_copy_of(history_id, *, seq, fake_hash):
    """Insert a copy of a membership history row with a chosen seq and hash, triggers off."""
    columns = [
        c
        for (c,) in _sql(
            "SELECT column_name FROM information_schema.columns WHERE table_name = %s "
            "AND column_name NOT IN ('history_id', 'audit_seq', 'audit_hash')",
            [MEMBERSHIP_HISTORY],
        )
    ]
    listed = ", ".join(columns)
    with _triggers_bypassed():
        (new_id,) = _sql(
            f"INSERT INTO {MEMBERSHIP_HISTORY} ({listed}, audit_seq, audit_hash) "
            f"SELECT {listed}, %s, %s FROM {MEMBERSHIP_HISTORY} WHERE history_id = %s "
            "RETURNING history_id",
            [seq, fake_hash, history_id],
        )[0]
    return new_id


def _head(chain):
    """Where the chain stands: its newest link."""
    return AuditChainLink.objects.filter(chain_id=chain).order_by("-seq").first()


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


def test_each_tenant_has_its_own_gapless_chain_across_tables(tenant_a, tenant_b):
    with tenant_context(tenant_a):
        MembershipFactory()
        request = make_approval_request()
    with tenant_context(tenant_b):
        MembershipFactory()
    seqs = []
    for source in audit_sources():
        if source.has_tenant:
            seqs += [
                s
                for (s,) in _sql(
                    f"SELECT audit_seq FROM {source.table} WHERE tenant_id = %s", [tenant_a.pk]
                )
            ]
    assert sorted(seqs) == list(range(1, len(seqs) + 1))
    assert _head(tenant_a.pk).seq == len(seqs)
    assert request.pk  # the request, its lines and their history are in tenant A's chain
    assert _head(tenant_b.pk).seq < _head(tenant_a.pk).seq


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

    call_command("verify_audit")
    out = capsys.readouterr().out
    assert "acme:" in out and "globex:" in out and "platform:" in out
    assert "intact" in out


def test_a_row_altered_behind_the_applications_back_is_found(tenant_a, tenant_b):
    with tenant_context(tenant_a):
        member = MembershipFactory()
    with tenant_context(tenant_b):
        MembershipFactory()
    (history_id, seq, _hash), *_ = [
        r for r in _history_rows(tenant_a) if r[0] == member.history.all_tenants().get().pk
    ]
    # The owner's (superuser's) connection: no grant or trigger stands in the way.
    _sql(
        f"UPDATE {MEMBERSHIP_HISTORY} SET status = 'deactivated' WHERE history_id = %s",
        [history_id],
    )

    (broken,) = _verify(tenant_a).breaks
    assert (broken.table, broken.row_id, broken.seq) == (MEMBERSHIP_HISTORY, history_id, seq)
    assert broken.problem == str(Problem.ALTERED)
    assert _verify(tenant_b).ok  # the other company's chain is untouched

    with pytest.raises(CommandError) as failed:
        call_command("verify_audit", tenant="acme")
    assert failed.value.returncode == 1


def test_the_command_reports_the_first_broken_link(tenant_a, capsys):
    with tenant_context(tenant_a):
        member = MembershipFactory()
    history_id = member.history.all_tenants().get().pk
    _sql(
        f"UPDATE {MEMBERSHIP_HISTORY} SET status = 'deactivated' WHERE history_id = %s",
        [history_id],
    )
    with pytest.raises(CommandError):
        call_command("verify_audit", tenant="acme")
    err = capsys.readouterr().err
    assert f"{MEMBERSHIP_HISTORY} row {history_id}" in err
    assert "altered" in err


def test_a_deleted_row_is_found(tenant_a):
    with tenant_context(tenant_a):
        member = MembershipFactory()
        member.status = Membership.Status.DEACTIVATED
        member.save()
    first = _history_rows(tenant_a)[0]
    _sql(f"DELETE FROM {MEMBERSHIP_HISTORY} WHERE history_id = %s", [first[0]])
    problems = _problems(tenant_a)
    assert problems[0][1] == str(Problem.MISSING)


def test_a_forged_insert_past_the_head_is_found(tenant_a):
    with tenant_context(tenant_a):
        member = MembershipFactory()
    genuine = member.history.all_tenants().get()
    head = _head(tenant_a.pk)
    forged_id = _forge_copy_of(genuine.pk, seq=head.seq + 1, fake_hash="f" * 64)

    (broken,) = _verify(tenant_a).breaks
    assert (broken.row_id, broken.problem) == (forged_id, str(Problem.BEYOND_HEAD))


def test_a_forged_insert_that_takes_a_real_rows_number_is_found(tenant_a):
    with tenant_context(tenant_a):
        member = MembershipFactory()
    genuine = member.history.all_tenants().get()
    forged_id = _forge_copy_of(genuine.pk, seq=_head(tenant_a.pk).seq + 1, fake_hash="0" * 64)
    # The next real write takes the same number through the trigger.
    with tenant_context(tenant_a):
        member.status = Membership.Status.DEACTIVATED
        member.save()

    (broken,) = _verify(tenant_a).breaks
    assert (broken.row_id, broken.problem) == (forged_id, str(Problem.DUPLICATE))


def test_a_forged_insert_with_a_made_up_hash_in_the_middle_is_found(tenant_a):
    with tenant_context(tenant_a):
        member = MembershipFactory()
    genuine = member.history.all_tenants().get()
    # The forger also appends a link, as if the row had been written by the trigger.
    seq = _head(tenant_a.pk).seq + 1
    forged_id = _forge_copy_of(genuine.pk, seq=seq, fake_hash="a" * 64)
    _sql(
        "INSERT INTO opsplatform_auditchainlink (chain_id, seq, hash) VALUES (%s, %s, %s)",
        [tenant_a.pk, seq, "b" * 64],
    )
    with tenant_context(tenant_a):
        member.status = Membership.Status.DEACTIVATED
        member.save()

    broken = _verify(tenant_a).breaks
    assert (broken[0].row_id, broken[0].problem) == (forged_id, str(Problem.FORGED))


def test_a_forged_insert_without_a_sequence_number_is_found(tenant_a):
    with tenant_context(tenant_a):
        member = MembershipFactory()
    forged_id = _forge_copy_of(member.history.all_tenants().get().pk, seq=None, fake_hash=None)
    (broken,) = _verify(tenant_a).breaks
    assert (broken.row_id, broken.problem) == (forged_id, str(Problem.NO_SEQ))


def test_a_backdated_history_date_is_replaced_by_the_database_clock(tenant_a):
    started = timezone.now() - dt.timedelta(minutes=5)
    with tenant_context(tenant_a):
        member = Membership(user=UserFactory())
        member._history_date = LONG_AGO  # simple-history's way to backdate a row
        member.save()
        recorded = member.history.get()
    assert recorded.history_date > started


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


@contextmanager
def _as_app_role(tenant):
    grant_app_role(APP_ROLE)
    try:
        with transaction.atomic(), tenant_context(tenant):
            set_rls_tenant(tenant.pk)
            _sql(f"SET LOCAL ROLE {APP_ROLE}")
            yield
    finally:
        _sql("RESET ROLE")


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
    with pytest.raises(DatabaseError, match="permission denied"), _as_app_role(tenant_a):
        _sql(statement)
    after = _head(tenant_a.pk)
    assert (after.seq, after.hash) == (before.seq, before.hash)


def test_the_app_roles_writes_are_chained_and_verifiable_in_its_tenant(tenant_a, tenant_b):
    with tenant_context(tenant_b):
        MembershipFactory()
    with _as_app_role(tenant_a):
        assert _sql("SELECT count(*) FROM opsplatform_auditchainlink")[0][0] >= 1
        member = Membership.objects.create(user=UserFactory())
        member.status = Membership.Status.DEACTIVATED
        member.save()
        with consistent_snapshot():
            report = verify_chain(tenant_a.pk)
    assert report.ok, report.breaks
    assert report.rows == _head(tenant_a.pk).seq
