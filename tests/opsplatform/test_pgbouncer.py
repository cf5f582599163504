"""Through PgBouncer in transaction mode (docs/tenancy.md, "Connection poolers").

A PgBouncer of the test's own (tests/opsplatform/pgbouncer.py) gives each
database and user one server connection, so every client takes turns on it:
whatever one client's transaction left on that connection, the next client
would inherit. The tests prove that our clients leave nothing, that two of
them alternating (and racing) on it only ever see their own company, and the
scope specifications of test_transaction_scope.py hold through it.

Skipped (with the reason shown) where pgbouncer is not installed; under CI it
must be (.ci/run installs it).
"""

from __future__ import annotations

import os
import threading

import pytest
from django.db import connection, connections

from modules.employees.models import Department
from opsplatform.db.backends.postgresql.base import DatabaseWrapper
from opsplatform.settings import database
from opsplatform.tenancy import tenant_context
from opsplatform.tenancy.rls import scope_settings
from tests.opsplatform import pgbouncer
from tests.opsplatform.test_transaction_scope import (  # the same specifications, pooled
    _restricted_role,  # noqa: F401 (autouse fixture)
    departments,  # noqa: F401 (fixture)
    test_a_committed_transaction_leaves_no_scope_on_the_connection,  # noqa: F401
    test_a_savepoint_rollback_that_reverts_a_rescope_is_scoped_again,  # noqa: F401
    test_an_autocommit_statement_leaves_no_scope_on_the_connection,  # noqa: F401
    test_autocommit_reads_and_writes_see_exactly_the_current_tenant,  # noqa: F401
    test_code_with_no_tenant_sees_no_rows_after_a_tenant_statement,  # noqa: F401
    test_two_tenants_alternating_in_autocommit,  # noqa: F401
    test_two_tenants_alternating_in_one_transaction,  # noqa: F401
    test_two_tenants_alternating_in_requests,  # noqa: F401
)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

SEEN = (
    "SELECT pg_backend_pid(),"
    " array(SELECT DISTINCT tenant_id FROM employees_department ORDER BY 1)::bigint[]"
)


@pytest.fixture(scope="module")
def pgbouncer_port(django_db_setup):
    if connection.vendor != "postgresql":
        pytest.skip("PgBouncer stands in front of PostgreSQL")
    if pgbouncer.binary() is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI must test through PgBouncer: .ci/run installs the pgbouncer package")
        pytest.skip("pgbouncer is not installed here (apt-get install pgbouncer); CI runs these")
    direct = connection.settings_dict
    users = sorted({direct["USER"] or "postgres", "postgres", "ops_app"})
    with pgbouncer.running(
        users, direct["HOST"] or "127.0.0.1", int(direct["PORT"] or 5432)
    ) as port:
        yield port


def _pooled_settings(port: int) -> dict:
    """The test database's settings, through PgBouncer, as settings.database()
    makes them for DATABASE_POOLER=pgbouncer."""
    direct = connection.settings_dict
    pooled = database(f"postgres://{direct['USER']}@127.0.0.1:{port}/x", pooler="pgbouncer")
    return {
        "HOST": "127.0.0.1",
        "PORT": port,
        "PASSWORD": "",
        "OPTIONS": {**direct["OPTIONS"], **pooled["OPTIONS"]},
        "DISABLE_SERVER_SIDE_CURSORS": pooled["DISABLE_SERVER_SIDE_CURSORS"],
    }


@pytest.fixture(autouse=True)
def through_pgbouncer(pgbouncer_port, transactional_db):
    """The suite's own connection (and any thread's) goes through PgBouncer for the test."""
    direct = connection.settings_dict
    saved = {key: direct[key] for key in ("HOST", "PORT", "PASSWORD", "OPTIONS")}
    saved_cursors = direct.get("DISABLE_SERVER_SIDE_CURSORS", False)
    connection.close()
    direct.update(_pooled_settings(pgbouncer_port))
    try:
        yield pgbouncer_port
    finally:
        connection.close()
        direct.update(saved, DISABLE_SERVER_SIDE_CURSORS=saved_cursors)


def _another_client(name: str) -> DatabaseWrapper:
    return DatabaseWrapper(dict(connection.settings_dict), alias=name)


def _seen(client: DatabaseWrapper) -> tuple[int, list[int]]:
    """(server process, companies whose rows this client sees), in autocommit."""
    with client.cursor() as cursor:
        cursor.execute(SEEN)
        pid, tenants = cursor.fetchone()
    return pid, list(tenants)


def _seen_in_a_transaction(client: DatabaseWrapper) -> tuple[int, list[int]]:
    client.set_autocommit(False)
    try:
        first = _seen(client)
        assert _seen(client) == first  # the whole transaction keeps its scope
        client.commit()
    finally:
        client.set_autocommit(True)
    return first


def test_we_are_really_behind_pgbouncer(through_pgbouncer):
    assert connection.settings_dict["PORT"] == through_pgbouncer
    with connection.cursor() as cursor:
        cursor.execute("SHOW port")  # the server's own port, not the one we dialled
        assert int(cursor.fetchone()[0]) != through_pgbouncer


def test_two_clients_taking_turns_on_one_server_connection_see_only_their_own(
    tenant_a,
    tenant_b,
    departments,  # noqa: F811
):
    first, second = _another_client("first"), _another_client("second")
    try:
        servers = set()
        for _ in range(3):
            for client, tenant in [(first, tenant_a), (second, tenant_b)]:
                other = second if client is first else first
                with tenant_context(tenant):
                    for pid, seen in (_seen(client), _seen_in_a_transaction(client)):
                        servers.add(pid)
                        assert seen == [tenant.pk]
                # The other client, with no company, comes next on the same server connection.
                with tenant_context(None):
                    pid, seen = _seen(other)
                    servers.add(pid)
                    assert seen == []
        assert len(servers) == 1, "the two clients should have shared one server connection"
    finally:
        first.close()
        second.close()


def test_a_session_scope_left_by_another_client_is_not_trusted(
    tenant_a,
    tenant_b,
    departments,  # noqa: F811
):
    """A session-level scope (what the old backend set; what SQL injected into
    one client could set) stays on the server connection for the next client.
    Our transactions never trust it: each one's first statement brings its own
    scope, an empty one when it has no tenant. Only a no-tenant autocommit
    statement, which sets nothing, still reads it: this also proves that the
    two clients really share the server connection."""
    first, second = _another_client("first"), _another_client("second")
    try:
        with first.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('app.tenant_id', %s, false),"
                " set_config('app.tenant_sig', %s, false)",
                scope_settings(tenant_a.pk),
            )
        with tenant_context(None):
            assert _seen_in_a_transaction(second)[1] == []
        with tenant_context(tenant_b):
            assert _seen_in_a_transaction(second)[1] == [tenant_b.pk]
            assert _seen(second)[1] == [tenant_b.pk]
        with tenant_context(None):
            assert _seen(second)[1] == [tenant_a.pk]
    finally:
        with second.cursor() as cursor:
            cursor.execute("RESET ALL")  # leave the pool's server connection clean
        first.close()
        second.close()


def test_iterating_a_large_queryset_works_behind_pgbouncer(tenant_a, departments):  # noqa: F811
    """.iterator() would declare a server-side cursor WITH HOLD in autocommit;
    DATABASE_POOLER=pgbouncer turns them off, and the rows stay scoped."""
    assert connection.settings_dict["DISABLE_SERVER_SIDE_CURSORS"] is True
    with tenant_context(tenant_a):
        names = sorted(d.name for d in Department.all_tenants.iterator(chunk_size=1))
    assert names == ["A1", "A2"]


def test_racing_clients_on_one_server_connection_never_see_each_others_company(
    tenant_a,
    tenant_b,
    departments,  # noqa: F811
):
    """Two threads (two web workers) for two companies, as fast as they can,
    through one server connection: transactions and autocommit statements."""
    wrong: list[tuple] = []

    def work(tenant):
        try:
            with tenant_context(tenant):
                for _ in range(40):
                    for seen in (_seen(connection), _seen_in_a_transaction(connection)):
                        if seen[1] != [tenant.pk]:
                            wrong.append((tenant.pk, seen))
                    if Department.all_tenants.exclude(tenant=tenant).exists():
                        wrong.append((tenant.pk, "orm"))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(tenant,)) for tenant in (tenant_a, tenant_b)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    assert wrong == []
