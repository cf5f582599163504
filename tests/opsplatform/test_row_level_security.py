"""PostgreSQL's own guard (tenancy invariants 7 and 11): the application's role
sees and writes only the tenant its connection is scoped to, cannot widen that
scope by setting any session variable, and the suite itself runs as such a role."""

from __future__ import annotations

import os

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, connection, transaction
from django.test import override_settings

from opsplatform.tenancy import tenant_context
from opsplatform.tenancy.guard import check_restricted_role
from opsplatform.tenancy.rls import database_role_problems, scope_settings, tenant_tables
from tenants.models import Membership
from tenants.selectors import memberships_of_user
from tests.db_roles import as_owner
from tests.factories import MembershipFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("row-level security is a PostgreSQL feature (SQLite has none)")


def _members(tenant, n):
    with tenant_context(tenant):
        return [MembershipFactory() for _ in range(n)]


def _sql(sql: str, params=()):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description else None


COUNT = "SELECT count(*) FROM tenants_membership"


def test_every_tenant_table_has_a_forced_policy():
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_policies WHERE policyname = 'tenant_isolation'")
        with_policy = {row[0] for row in cursor.fetchall()}
        cursor.execute(
            "SELECT relname FROM pg_class WHERE relrowsecurity AND relforcerowsecurity"
            " AND relkind = 'r'"
        )
        forced = {row[0] for row in cursor.fetchall()}
    assert "tenants_membership" in with_policy
    assert "tenants_historicalmembership" in with_policy
    assert set(tenant_tables()) <= with_policy
    assert set(tenant_tables()) <= forced


def test_app_role_sees_only_the_current_tenant(tenant_a, tenant_b, app_role):
    _members(tenant_a, 2)
    _members(tenant_b, 3)
    with app_role():
        with tenant_context(tenant_a):
            assert _sql(COUNT) == [(2,)]
        with tenant_context(tenant_b):
            assert _sql(COUNT) == [(3,)]
        # No tenant (a landlord page, a worker before it scopes itself): nothing.
        with tenant_context(None):
            assert _sql(COUNT) == [(0,)]


def test_no_session_variable_widens_the_scope(tenant_a, tenant_b, app_role):
    """An attacker who can run SQL as the application (an injection) tries every
    knob: the old landlord switch, the owner's maintenance switch, another
    tenant's id with or without a made-up signature, and the key itself."""
    _members(tenant_a, 1)
    _members(tenant_b, 2)
    b_id, _sig = scope_settings(tenant_b.pk)
    _a_id, a_sig = scope_settings(tenant_a.pk)
    attempts = [
        ("SELECT set_config('app.landlord', 'on', false)", ()),
        ("SELECT set_config('app.maintenance', 'on', false)", ()),
        ("SELECT set_config('app.tenant_id', %s, false)", (b_id,)),
        (
            "SELECT set_config('app.tenant_id', %s, false), set_config('app.tenant_sig', %s, false)",
            (b_id, a_sig),
        ),
        (
            "SELECT set_config('app.tenant_id', %s, false), set_config('app.tenant_sig', %s, false)",
            (b_id, "0" * 64),
        ),
        ("SELECT set_config('app.tenant_id', %s, false)", (f"{tenant_a.pk} OR true",)),
    ]
    with app_role(), tenant_context(tenant_a):
        for sql, params in attempts:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(sql, params)
                cursor.execute(
                    "SELECT count(*) FROM tenants_membership WHERE tenant_id = %s", [tenant_b.pk]
                )
                assert cursor.fetchone() == (0,), sql
        for forbidden in ("SELECT secret FROM ops_private.rls_key", "SET ROLE postgres"):
            with pytest.raises(DatabaseError, match="permission denied"):
                _sql(forbidden)


def test_app_role_cannot_write_into_another_tenant(tenant_a, tenant_b, app_role):
    (member_b,) = _members(tenant_b, 1)
    with app_role(), tenant_context(tenant_a):
        with pytest.raises(DatabaseError, match="row-level security"):
            _sql(
                "INSERT INTO tenants_rolegrant (tenant_id, membership_id, role)"
                " VALUES (%s, %s, 'hr')",
                [tenant_b.pk, member_b.pk],
            )
        updated = _sql(
            "UPDATE tenants_membership SET status = 'deactivated' WHERE id = %s RETURNING id",
            [member_b.pk],
        )
        assert updated == []
    with tenant_context(tenant_b):
        assert Membership.objects.get(pk=member_b.pk).status == "active"


def test_audit_tables_are_append_only_for_the_app_role(tenant_a, app_role):
    _members(tenant_a, 1)
    with app_role(), tenant_context(tenant_a):
        with pytest.raises(DatabaseError, match="permission denied"):
            _sql("DELETE FROM tenants_historicalmembership")
        with pytest.raises(DatabaseError, match="permission denied"):
            _sql("UPDATE tenants_historicalmembership SET history_change_reason = 'x'")


def test_the_gate_log_is_append_only_for_the_app_role(tenant_a, app_role):
    with app_role(), tenant_context(tenant_a):
        with pytest.raises(DatabaseError, match="permission denied"):
            _sql("DELETE FROM approvals_gatelog")
        with pytest.raises(DatabaseError, match="permission denied"):
            _sql("UPDATE approvals_gatelog SET comment = 'x'")


def test_a_persons_companies_are_read_through_the_one_crossing_path(tenant_a, tenant_b, app_role):
    user = UserFactory()
    with tenant_context(tenant_a):
        MembershipFactory(user=user)
    with tenant_context(tenant_b):
        MembershipFactory(user=user)
    with app_role(), tenant_context(tenant_a):
        # The ORM sees one company; the person's own list sees both.
        assert Membership.all_tenants.filter(user=user).count() == 1
        assert {m.tenant_id for m in memberships_of_user(user=user)} == {
            tenant_a.pk,
            tenant_b.pk,
        }


@pytest.mark.skipif(
    not (os.environ.get("CI") and os.environ.get("DATABASE_OWNER_URL")),
    reason="CI runs the suite as the production role; a developer's run may not",
)
def test_the_suite_itself_runs_as_the_production_role():
    assert database_role_problems() == []


@pytest.mark.django_db(transaction=True)
def test_production_refuses_a_role_that_skips_the_policies():
    """As the owner (a superuser in CI and on a developer's machine) the guard refuses."""
    with as_owner():
        with connection.cursor() as cursor:
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            if not cursor.fetchone()[0]:
                pytest.skip("the owner here is no superuser")
        problems = database_role_problems()
        assert any("superuser" in problem for problem in problems)
        with override_settings(DATABASE_REQUIRE_RESTRICTED_ROLE=True):
            with pytest.raises(ImproperlyConfigured, match="superuser"):
                check_restricted_role(sender=None, connection=connection)
