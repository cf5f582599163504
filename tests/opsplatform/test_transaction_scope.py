"""The tenant scope lives and dies with its transaction (docs/tenancy.md), so a
pooler in transaction mode can hand the server connection to anyone after a
commit, and every transaction of ours carries its own scope wherever it lands.

These tests commit for real (``transaction=True``): a scope left behind would
only show after a commit, and autocommit is where Django runs a statement
outside ``atomic``.
"""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext

from modules.employees.models import Department
from opsplatform.tenancy import tenant_context
from opsplatform.tenancy.rls import scope_settings

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


class _Undone(Exception):
    """Raised to roll a block back."""


TENANTS_SEEN = "SELECT DISTINCT tenant_id FROM employees_department ORDER BY 1"


@pytest.fixture(autouse=True)
def _restricted_role():
    """Row-level security binds the application's role only (CI's DATABASE_URL)."""
    if connection.vendor != "postgresql":
        pytest.skip("row-level security is a PostgreSQL feature (SQLite has none)")
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user")
        if cursor.fetchone()[0]:
            pytest.skip("DATABASE_URL's role skips row-level security; CI runs as ops_app")


@pytest.fixture
def departments(tenant_a, tenant_b):
    for tenant, names in ((tenant_a, ["A1", "A2"]), (tenant_b, ["B1", "B2", "B3"])):
        with tenant_context(tenant):
            for name in names:
                Department.objects.create(name=name)


def _left_on_the_connection() -> tuple:
    """The scope settings as the server connection holds them, read past the
    backend (on the driver's own cursor, so nothing re-scopes first): what the
    next client of a pooled server connection would inherit."""
    with connection.connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(current_setting('app.tenant_id', true), ''),"
            " coalesce(current_setting('app.tenant_sig', true), ''),"
            " (SELECT count(*) FROM employees_department)"
        )
        return cursor.fetchone()


def _tenants_seen() -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(TENANTS_SEEN)
        return [row[0] for row in cursor.fetchall()]


# -- (a) nothing outlives the transaction -------------------------------------------


def test_a_committed_transaction_leaves_no_scope_on_the_connection(tenant_a, departments):
    with tenant_context(tenant_a), transaction.atomic():
        assert Department.objects.count() == 2
    assert _left_on_the_connection() == ("", "", 0)


def test_a_rolled_back_transaction_leaves_no_scope_on_the_connection(tenant_a, departments):
    with pytest.raises(_Undone), tenant_context(tenant_a), transaction.atomic():
        assert Department.objects.count() == 2
        raise _Undone
    assert _left_on_the_connection() == ("", "", 0)


def test_an_autocommit_statement_leaves_no_scope_on_the_connection(tenant_a, departments):
    with tenant_context(tenant_a):
        assert connection.get_autocommit()
        assert Department.objects.count() == 2
        assert _left_on_the_connection() == ("", "", 0)


# -- (b) autocommit: each statement carries its own scope -------------------------------


def test_autocommit_reads_and_writes_see_exactly_the_current_tenant(
    tenant_a, tenant_b, departments
):
    with tenant_context(tenant_a):
        assert connection.get_autocommit()
        assert sorted(Department.objects.values_list("name", flat=True)) == ["A1", "A2"]
        # Even the escape hatch sees one company: the database is the guard.
        assert Department.all_tenants.count() == 2
        assert _tenants_seen() == [tenant_a.pk]
        made = Department.objects.create(name="A3")
        assert Department.objects.filter(name__startswith="A").update(code="x") == 3
        assert Department.objects.get(pk=made.pk).code == "x"
        assert Department.objects.filter(pk=made.pk).delete()[0] >= 1
    with tenant_context(tenant_b):
        assert Department.all_tenants.count() == 3
        assert Department.all_tenants.filter(code="x").count() == 0


def test_an_autocommit_write_into_another_tenant_is_refused(tenant_a, tenant_b):
    with tenant_context(tenant_a), connection.cursor() as cursor:
        with pytest.raises(DatabaseError, match="row-level security"):
            cursor.execute(
                "INSERT INTO employees_department (tenant_id, name, code) VALUES (%s, 'X', '')",
                [tenant_b.pk],
            )
    with tenant_context(tenant_b):
        assert Department.objects.count() == 0


def test_the_scope_stays_out_of_the_query_log(tenant_a, departments):
    """What Django logs is the statement the code ran, in autocommit and in a
    transaction: the signature, which opens a tenant, is never written down."""
    with tenant_context(tenant_a), CaptureQueriesContext(connection) as autocommit:
        list(Department.objects.all())
    with tenant_context(tenant_a), transaction.atomic():
        with CaptureQueriesContext(connection) as in_transaction:
            list(Department.objects.all())
    logged = [q["sql"] for q in autocommit.captured_queries + in_transaction.captured_queries]
    assert len(logged) == 2
    assert all(sql.startswith('SELECT "employees_department"') for sql in logged), logged
    assert not any("tenant_sig" in sql for sql in logged)


def test_code_with_no_tenant_sees_no_rows_after_a_tenant_statement(tenant_a, departments):
    with tenant_context(tenant_a):
        assert Department.all_tenants.count() == 2
    with tenant_context(None):
        assert Department.all_tenants.count() == 0


def test_a_transaction_with_no_tenant_does_not_trust_a_scope_on_the_connection(
    tenant_a, tenant_b, departments
):
    """A session-level scope on the server connection (another client's, left
    by injected SQL or an old version) is replaced by each transaction's own."""
    with connection.connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('app.tenant_id', %s, false), set_config('app.tenant_sig', %s, false)",
            scope_settings(tenant_a.pk),
        )
    try:
        with tenant_context(None), transaction.atomic():
            assert _tenants_seen() == []
        with tenant_context(tenant_b), transaction.atomic():
            assert _tenants_seen() == [tenant_b.pk]
        with tenant_context(tenant_b):
            assert _tenants_seen() == [tenant_b.pk]
    finally:
        connection.close()


def test_statements_that_cannot_carry_the_scope_get_it_on_their_own(
    tenant_a, tenant_b, departments
):
    """executemany and a server-side cursor (``.iterator()``) cannot share a
    query message with the scope: in autocommit and in a transaction they
    still see and write exactly the current company."""
    insert = "INSERT INTO employees_department (tenant_id, name, code) VALUES (%s, %s, '')"
    with tenant_context(tenant_a):
        with connection.cursor() as cursor:
            cursor.executemany(insert, [(tenant_a.pk, "A3"), (tenant_a.pk, "A4")])
        names = sorted(d.name for d in Department.all_tenants.iterator(chunk_size=1))
        assert names == ["A1", "A2", "A3", "A4"]
        assert _left_on_the_connection() == ("", "", 0)
    with tenant_context(tenant_b), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.executemany(insert, [(tenant_b.pk, "B4")])
        names = sorted(d.name for d in Department.all_tenants.iterator(chunk_size=1))
        assert names == ["B1", "B2", "B3", "B4"]
    with tenant_context(tenant_a), connection.cursor() as cursor:
        with pytest.raises(DatabaseError, match="row-level security"):
            cursor.executemany(insert, [(tenant_b.pk, "X")])
    with tenant_context(tenant_b):
        assert Department.objects.count() == 4


def test_set_transaction_still_goes_first(tenant_a, departments):
    """SET TRANSACTION must be a transaction's first statement: the scope comes
    with the statement after it."""
    with tenant_context(tenant_a), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        cursor.execute("SELECT current_setting('transaction_isolation')")
        assert cursor.fetchone() == ("repeatable read",)
        assert _tenants_seen() == [tenant_a.pk]


# -- (c) savepoints ---------------------------------------------------------------------


def test_a_savepoint_rollback_that_reverts_a_rescope_is_scoped_again(
    tenant_a, tenant_b, departments
):
    with tenant_context(tenant_a), transaction.atomic():
        assert _tenants_seen() == [tenant_a.pk]
        with tenant_context(tenant_b):
            with pytest.raises(_Undone), transaction.atomic():
                assert _tenants_seen() == [tenant_b.pk]
                raise _Undone
            # PostgreSQL put the scope back to A; the code is still in B.
            assert _tenants_seen() == [tenant_b.pk]
        assert _tenants_seen() == [tenant_a.pk]


def test_a_savepoint_rollback_that_reverts_the_first_scope_is_scoped_again(tenant_a, departments):
    with tenant_context(tenant_a), transaction.atomic():
        with pytest.raises(_Undone), transaction.atomic():
            assert Department.objects.count() == 2  # the transaction's first statement
            raise _Undone
        # The rollback took the scope with it; the next statement brings it back.
        assert Department.objects.count() == 2


def test_a_failed_statement_inside_a_savepoint_keeps_the_right_scope(
    tenant_a, tenant_b, departments
):
    with tenant_context(tenant_a), transaction.atomic():
        assert Department.objects.count() == 2
        with tenant_context(tenant_b):
            with pytest.raises(DatabaseError), transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SELECT 1 / 0 FROM employees_department")
            assert Department.objects.count() == 3
        assert Department.objects.count() == 2


# -- (d) two tenants alternating ----------------------------------------------------------


def test_two_tenants_alternating_in_one_transaction(tenant_a, tenant_b, departments):
    with transaction.atomic():
        for tenant, expected in [(tenant_a, 2), (tenant_b, 3), (None, 0)] * 2:
            with tenant_context(tenant):
                assert Department.all_tenants.count() == expected, tenant
    assert _left_on_the_connection() == ("", "", 0)


def test_two_tenants_alternating_in_autocommit(tenant_a, tenant_b, departments):
    for tenant, expected in [(tenant_a, 2), (tenant_b, 3), (None, 0)] * 2:
        with tenant_context(tenant):
            assert Department.all_tenants.count() == expected, tenant
            assert _tenants_seen() == ([tenant.pk] if tenant else [])


def test_two_tenants_alternating_in_requests(
    tenant_a, tenant_b, owner_a, owner_b, client_for, departments
):
    """Requests for two companies in turn on one connection (the middleware's
    transaction per request): each page shows its own company's departments."""
    pages = {tenant_a: client_for(tenant_a, owner_a), tenant_b: client_for(tenant_b, owner_b)}
    for tenant in [tenant_a, tenant_b, tenant_a, tenant_b]:
        page = pages[tenant].get("/admin/employees/department/").content.decode()
        own, other = ("A", "B") if tenant == tenant_a else ("B", "A")
        assert f">{own}1<" in page
        assert f">{other}1<" not in page
    assert _left_on_the_connection() == ("", "", 0)
