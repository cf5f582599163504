"""PostgreSQL's own guard (tenancy invariant 7): as the application's non-owner
role, a transaction sees and writes only the tenant named in app.tenant_id."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from opsplatform.tenancy import tenant_context
from opsplatform.tenancy.rls import grant_app_role, set_rls_tenant, tenant_tables
from tenants.models import Membership

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

APP_ROLE = "ops_rls_test_app"


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("row-level security is a PostgreSQL feature (SQLite has none)")


@pytest.fixture
def as_app_role():
    grant_app_role(APP_ROLE)

    def run(sql: str, params=(), tenant_id=None, landlord=False):
        # The test already runs inside a transaction, so "local" settings would
        # outlive this call: set every one of them, and give the role back after.
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                if tenant_id is not None or landlord:
                    set_rls_tenant(tenant_id)
                else:
                    cursor.execute(
                        "SELECT set_config('app.tenant_id', '', true),"
                        " set_config('app.landlord', 'off', true)"
                    )
                cursor.execute(f"SET LOCAL ROLE {APP_ROLE}")
                cursor.execute(sql, params)
                return cursor.fetchall() if cursor.description else None
        finally:
            with connection.cursor() as cursor:
                cursor.execute("RESET ROLE")

    return run


def _members(tenant, n):
    from tests.factories import MembershipFactory

    with tenant_context(tenant):
        return [MembershipFactory() for _ in range(n)]


def test_every_tenant_table_has_a_policy():
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_policies WHERE policyname = 'tenant_isolation'")
        with_policy = {row[0] for row in cursor.fetchall()}
    assert "tenants_membership" in with_policy
    assert "tenants_historicalmembership" in with_policy
    assert set(tenant_tables()) <= with_policy


def test_app_role_sees_only_the_current_tenant(tenant_a, tenant_b, as_app_role):
    _members(tenant_a, 2)
    _members(tenant_b, 3)
    count = "SELECT count(*) FROM tenants_membership"

    assert as_app_role(count, tenant_id=tenant_a.pk) == [(2,)]
    assert as_app_role(count, tenant_id=tenant_b.pk) == [(3,)]
    assert as_app_role(count) == [(0,)]  # nothing set: fail closed
    assert as_app_role(count, landlord=True) == [(5,)]


def test_app_role_cannot_write_into_another_tenant(tenant_a, tenant_b, as_app_role):
    (member_b,) = _members(tenant_b, 1)
    with pytest.raises(DatabaseError, match="row-level security"):
        as_app_role(
            "INSERT INTO tenants_rolegrant (tenant_id, membership_id, role) VALUES (%s, %s, 'hr')",
            [tenant_b.pk, member_b.pk],
            tenant_id=tenant_a.pk,
        )
    updated = as_app_role(
        "UPDATE tenants_membership SET status = 'deactivated' WHERE id = %s RETURNING id",
        [member_b.pk],
        tenant_id=tenant_a.pk,
    )
    assert updated == []
    with tenant_context(tenant_b):
        assert Membership.objects.get(pk=member_b.pk).status == "active"


def test_audit_tables_are_append_only_for_the_app_role(tenant_a, as_app_role):
    _members(tenant_a, 1)
    with pytest.raises(DatabaseError, match="permission denied"):
        as_app_role("DELETE FROM tenants_historicalmembership", tenant_id=tenant_a.pk)
    with pytest.raises(DatabaseError, match="permission denied"):
        as_app_role(
            "UPDATE tenants_historicalmembership SET history_change_reason = 'x'",
            tenant_id=tenant_a.pk,
        )


def test_the_gate_log_is_append_only_for_the_app_role(tenant_a, as_app_role):
    with pytest.raises(DatabaseError, match="permission denied"):
        as_app_role("DELETE FROM approvals_gatelog", tenant_id=tenant_a.pk)
    with pytest.raises(DatabaseError, match="permission denied"):
        as_app_role("UPDATE approvals_gatelog SET comment = 'x'", tenant_id=tenant_a.pk)
