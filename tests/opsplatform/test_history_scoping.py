"""History fails closed like its model (tenancy invariant 10).

Every historical model of a tenant model raises outside a tenant and shows
only the current tenant inside one, through ``Model.history``,
``instance.history`` and the historical model's own default manager; landlord
code has one explicit, unfiltered path. simple-history's own helpers keep
working on top of the scoping.
"""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import DatabaseError, connection, transaction
from django.test.utils import isolate_apps
from django.utils import timezone
from simple_history.exceptions import NotHistoricalModelError
from simple_history.utils import (
    bulk_create_with_history,
    get_history_model_for_model,
    update_change_reason,
)

from opsplatform.audit import TenantHistoricalModel
from opsplatform.tenancy import TenantNotSetError, tenant_context
from opsplatform.tenancy.models import TenantModel
from tenants.models import Membership, RoleGrant, Tenant
from tenants.roles import RoleCode
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

HistoricalMembership = get_history_model_for_model(Membership)


def _members(tenant, n):
    with tenant_context(tenant):
        return [MembershipFactory() for _ in range(n)]


def test_every_tenant_models_history_is_tenant_scoped():
    tenant_models = [
        m for m in apps.get_models() if issubclass(m, TenantModel) and not m._meta.proxy
    ]
    assert tenant_models
    # An append-only ledger is its own audit and has no history (opsplatform/audit.py).
    own_audit = [m for m in tenant_models if getattr(m, "append_only", False)]
    for model in own_audit:
        with pytest.raises(NotHistoricalModelError):
            get_history_model_for_model(model)
    for model in set(tenant_models) - set(own_audit):
        history = get_history_model_for_model(model)
        assert issubclass(history, TenantHistoricalModel), model
        assert history._default_manager.name == "objects", model


def test_landlord_history_is_not_tenant_scoped(tenant_a):
    # Tenants, domains and users have no tenant column: their history stays readable
    # to landlord code with no tenant chosen.
    assert Tenant.history.filter(id=tenant_a.pk).exists()


def test_model_history_raises_outside_a_tenant(tenant_a):
    _members(tenant_a, 1)
    with pytest.raises(TenantNotSetError):
        Membership.history.count()
    with pytest.raises(TenantNotSetError):
        list(Membership.history.all())


def test_the_historical_models_own_manager_raises_outside_a_tenant(tenant_a):
    _members(tenant_a, 1)
    with pytest.raises(TenantNotSetError):
        HistoricalMembership.objects.exists()
    with pytest.raises(TenantNotSetError):
        HistoricalMembership._default_manager.count()


def test_instance_history_raises_outside_a_tenant(tenant_a):
    (member,) = _members(tenant_a, 1)
    with pytest.raises(TenantNotSetError):
        member.history.count()


def test_model_history_shows_only_the_current_tenant(tenant_a, tenant_b):
    mine = _members(tenant_a, 2)
    theirs = _members(tenant_b, 3)
    with tenant_context(tenant_a):
        ids = set(Membership.history.values_list("id", flat=True))
        tenants = set(HistoricalMembership.objects.values_list("tenant_id", flat=True))
        # Even naming the other company's row does not reach it.
        assert not Membership.history.filter(id=theirs[0].pk).exists()
    assert ids == {m.pk for m in mine}
    assert tenants == {tenant_a.pk}


def test_instance_history_inside_another_tenant_is_empty(tenant_a, tenant_b):
    (member_b,) = _members(tenant_b, 1)
    with tenant_context(tenant_b):
        assert member_b.history.count() == 1
    with tenant_context(tenant_a):
        assert member_b.history.count() == 0
        with pytest.raises(Membership.DoesNotExist):
            member_b.history.as_of(timezone.now())


def test_landlord_code_reads_every_tenants_history_explicitly(tenant_a, tenant_b):
    (member_a,) = _members(tenant_a, 1)
    # The explicit path answers with no tenant chosen and adds no tenant filter
    # (on PostgreSQL row-level security still decides what the role may see).
    everyone = Membership.history.all_tenants()
    assert not everyone.query.where
    assert not HistoricalMembership.all_tenants.all().query.where
    with tenant_context(tenant_a):
        assert Membership.history.all().query.where
        assert member_a.history.all_tenants().count() == 1
    if connection.vendor == "sqlite":
        _members(tenant_b, 2)
        assert set(everyone.values_list("tenant_id", flat=True)) == {tenant_a.pk, tenant_b.pk}
        assert HistoricalMembership.all_tenants.count() == 3


def test_simple_history_helpers_work_inside_a_tenant(tenant_a, tenant_b):
    _members(tenant_b, 1)
    with tenant_context(tenant_a):
        member = MembershipFactory()
        member.status = Membership.Status.DEACTIVATED
        member.save()
        latest = member.history.latest()
        previous = latest.prev_record
        assert previous is not None and previous.history_type == "+"
        assert previous.next_record == latest
        delta = latest.diff_against(previous)
        assert [change.field for change in delta.changes] == ["status"]
        assert member.history.most_recent().status == Membership.Status.DEACTIVATED
        assert Membership.history.as_of(latest.history_date).get().pk == member.pk

        grants = bulk_create_with_history(
            [RoleGrant(membership=member, role=RoleCode.FINANCE, tenant=tenant_a)],
            RoleGrant,
            default_change_reason="Bulk grant",
        )
        created = RoleGrant.history.get(id=grants[0].pk)
    assert created.history_change_reason == "Bulk grant"
    assert created.tenant_id == tenant_a.pk


def test_verify_audit_says_sqlite_has_no_chain(capsys):
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("the PostgreSQL chain is tested in test_audit_chain.py")
    call_command("verify_audit")
    assert "nothing to check" in capsys.readouterr().out


@isolate_apps("opsplatform")
def test_an_append_only_model_without_the_chain_columns_is_refused(monkeypatch):
    from django.db import models

    from opsplatform import audit_chain

    class Ledger(models.Model):
        append_only = True

        class Meta:
            app_label = "opsplatform"
            db_table = "test_unchained_ledger"

        def __str__(self):
            return "ledger"

    monkeypatch.setattr(audit_chain, "audit_models", lambda: [Ledger])
    (error,) = audit_chain.check_audit_tables_are_chained()
    assert error.id == "opsplatform.E101"


def _restricted_role() -> bool:
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        return not cursor.fetchone()[0]


def test_update_change_reason_finds_its_row_but_audit_rows_are_append_only(tenant_a):
    with tenant_context(tenant_a):
        member = MembershipFactory()
        if _restricted_role():
            # The production role may not rewrite an audit row (docs/audit.md).
            with pytest.raises(DatabaseError, match="permission denied"), transaction.atomic():
                update_change_reason(member, "Left the company")
            assert member.history.latest().history_change_reason is None
        else:
            update_change_reason(member, "Left the company")
            assert member.history.latest().history_change_reason == "Left the company"
