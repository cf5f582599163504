"""The tenancy kernel: tenant models see one company at a time and fail closed."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from opsplatform.audit import with_reason
from opsplatform.tenancy import TenantNotSetError, tenant_context
from opsplatform.tenancy.cache import make_key
from opsplatform.tenancy.models import CrossTenantError
from tenants.models import Invitation, Membership, RoleGrant
from tests.factories import InvitationFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_query_outside_a_tenant_raises(tenant_a):
    with pytest.raises(TenantNotSetError):
        list(Membership.objects.all())


def test_query_inside_a_tenant_sees_only_that_tenant(tenant_a, tenant_b):
    with tenant_context(tenant_a):
        mine = MembershipFactory()
    with tenant_context(tenant_b):
        MembershipFactory()
    with tenant_context(tenant_a):
        assert list(Membership.objects.all()) == [mine]
    with tenant_context(tenant_b):
        assert Membership.objects.count() == 1


def test_saving_sets_the_tenant_from_the_context(tenant_a):
    with tenant_context(tenant_a):
        invitation = Invitation.objects.create(email="new@acme.test", roles=["employee"])
    assert invitation.tenant_id == tenant_a.pk


def test_saving_without_a_tenant_raises(db):
    with pytest.raises(TenantNotSetError):
        Invitation(email="x@example.test", roles=["employee"]).save()


def test_a_row_of_another_tenant_cannot_be_saved_from_here(tenant_a, tenant_b):
    with tenant_context(tenant_b):
        invitation = InvitationFactory()
    with tenant_context(tenant_a), pytest.raises(CrossTenantError):
        invitation.save()


def test_a_foreign_key_to_another_tenants_row_is_refused(tenant_a, tenant_b):
    with tenant_context(tenant_b):
        their_member = MembershipFactory()
    with tenant_context(tenant_a):
        grant = RoleGrant(membership=their_member, role="hr")
        with pytest.raises(ValidationError) as error:
            grant.full_clean()
        assert "membership" in error.value.message_dict
        with pytest.raises(CrossTenantError):
            grant.save()
        assert not RoleGrant.objects.exists()


def test_unique_per_tenant_clash_is_a_validation_error_not_a_crash(tenant_a, tenant_b):
    user = UserFactory()
    with tenant_context(tenant_a):
        Membership.objects.create(user=user)
        with pytest.raises(ValidationError) as error:
            Membership(user=user).full_clean()
        assert "Member with this User already exists." in str(error.value)
    with tenant_context(tenant_b):
        Membership(user=user).full_clean()  # the same person may join another company


def test_cache_keys_carry_the_tenant(tenant_a, tenant_b):
    with tenant_context(tenant_a):
        key_a = make_key("inbox", "ops", 1)
    with tenant_context(tenant_b):
        key_b = make_key("inbox", "ops", 1)
    assert key_a != key_b
    assert f"t{tenant_a.pk}" in key_a
    assert make_key("inbox", "ops", 1).endswith(":global:inbox")


def test_history_rows_record_tenant_and_reason(tenant_a):
    with tenant_context(tenant_a):
        member = MembershipFactory()
        member.status = Membership.Status.DEACTIVATED
        with with_reason(member, "Left the company"):
            member.save()
        latest = member.history.first()
    assert latest.tenant_id == tenant_a.pk
    assert latest.history_change_reason == "Left the company"
    assert latest.status == "deactivated"
