"""Specification of the tenancy kernel (ARCHITECTURE.md, tenancy invariants 1-6 and audit).

Tenant-owned tables are seen one company at a time, fail closed when no
company is chosen, refuse writes and references across companies, report
per-company uniqueness as validation errors, and leave an audit trail that
names the company, the person and the reason.
"""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from opsplatform.audit import with_reason
from opsplatform.tenancy import TenantNotSetError, get_current_tenant, tenant_context
from opsplatform.tenancy.cache import make_key
from opsplatform.tenancy.models import CrossTenantError
from tenants import services
from tenants.models import Invitation, Membership, RoleGrant
from tenants.roles import RoleCode
from tenants.selectors import memberships_of_user
from tests.factories import InvitationFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

TENANT_MODELS = [Membership, RoleGrant, Invitation]


def _in(tenant, make):
    with tenant_context(tenant):
        return make()


# -- reading: fail closed, one company at a time -------------------------------


@pytest.mark.parametrize("model", TENANT_MODELS, ids=lambda m: m.__name__)
def test_querying_a_tenant_model_outside_a_tenant_context_raises(tenant_a, model):
    _in(tenant_a, MembershipFactory)
    with pytest.raises(TenantNotSetError):
        list(model.objects.all())
    with pytest.raises(TenantNotSetError):
        model.objects.count()
    with pytest.raises(TenantNotSetError):
        model.objects.filter(pk=1).exists()


def test_an_explicit_none_tenant_context_also_fails_closed(tenant_a):
    _in(tenant_a, MembershipFactory)
    with tenant_context(None), pytest.raises(TenantNotSetError):
        Membership.objects.first()


def test_inside_a_tenant_context_only_that_tenants_rows_are_visible(tenant_a, tenant_b):
    ours = _in(tenant_a, MembershipFactory)
    our_invitation = _in(tenant_a, InvitationFactory)
    theirs = _in(tenant_b, MembershipFactory)
    their_invitation = _in(tenant_b, InvitationFactory)

    with tenant_context(tenant_a):
        assert list(Membership.objects.all()) == [ours]
        assert list(Invitation.objects.all()) == [our_invitation]
        assert list(RoleGrant.objects.values_list("membership_id", flat=True)) == [ours.pk]
        assert not Membership.objects.filter(pk=theirs.pk).exists()
        with pytest.raises(Invitation.DoesNotExist):
            Invitation.objects.get(pk=their_invitation.pk)


def test_the_all_tenants_manager_adds_no_tenant_filter_of_its_own(tenant_a, tenant_b):
    ours = _in(tenant_a, MembershipFactory)
    theirs = _in(tenant_b, MembershipFactory)
    with tenant_context(tenant_a):
        # An explicit escape hatch at the ORM level: the context does not narrow it
        # (under row-level security the database still shows one tenant at a time).
        def where(queryset) -> str:
            return str(queryset.query).split(" WHERE ", 1)[1]

        assert "tenant_id" not in where(Membership.all_tenants.filter(pk=ours.pk))
        assert "tenant_id" in where(Membership.objects.filter(pk=ours.pk))
        assert ours in set(Membership.all_tenants.all())
    if connection.vendor != "postgresql":
        assert set(Membership.all_tenants.all()) == {ours, theirs}


def test_tenant_context_is_restored_after_the_block_even_on_error(tenant_a, tenant_b):
    with tenant_context(tenant_a):
        with pytest.raises(RuntimeError), tenant_context(tenant_b):
            assert get_current_tenant() == tenant_b
            raise RuntimeError("boom")
        assert get_current_tenant() == tenant_a
    assert get_current_tenant() is None


# -- writing: the company comes from the context and never crosses -------------


def test_saving_takes_the_tenant_from_the_context(tenant_a):
    with tenant_context(tenant_a):
        invitation = Invitation.objects.create(email="new@acme.test", roles=["employee"])
        membership = Membership.objects.create(user=UserFactory())
    assert invitation.tenant_id == tenant_a.pk
    assert membership.tenant_id == tenant_a.pk
    with tenant_context(tenant_a):
        assert Invitation.objects.get(pk=invitation.pk).tenant_id == tenant_a.pk


def test_saving_with_no_context_and_no_tenant_raises_and_writes_nothing(tenant_a):
    with pytest.raises(TenantNotSetError):
        Invitation(email="nowhere@example.test", roles=["employee"]).save()
    with pytest.raises(TenantNotSetError):
        Membership(user=UserFactory()).save()
    with tenant_context(tenant_a):
        assert not Invitation.objects.filter(email="nowhere@example.test").exists()
        assert not Membership.objects.exists()


def test_saving_a_row_of_another_tenant_raises_cross_tenant_error(tenant_a, tenant_b):
    invitation = _in(tenant_b, lambda: InvitationFactory(email="theirs@globex.test"))
    invitation.email = "hijacked@acme.test"
    with tenant_context(tenant_a), pytest.raises(CrossTenantError):
        invitation.save()
    with tenant_context(tenant_b):
        assert Invitation.objects.get(pk=invitation.pk).email == "theirs@globex.test"


def test_creating_a_row_for_another_tenant_from_inside_a_tenant_raises(tenant_a, tenant_b):
    with tenant_context(tenant_a), pytest.raises(CrossTenantError):
        Invitation(tenant=tenant_b, email="planted@globex.test", roles=["employee"]).save()
    with tenant_context(tenant_b):
        assert not Invitation.objects.filter(email="planted@globex.test").exists()


def test_a_row_may_be_saved_for_its_own_tenant_explicitly_outside_a_context(tenant_a):
    # Landlord code names the tenant itself; then no context is needed.
    invitation = Invitation(tenant=tenant_a, email="landlord@acme.test", roles=["owner"])
    invitation.save()
    with tenant_context(tenant_a):
        assert Invitation.objects.get(pk=invitation.pk).email == "landlord@acme.test"


def test_deleting_a_row_of_another_tenant_from_inside_a_tenant_raises(tenant_a, tenant_b):
    invitation = _in(tenant_b, InvitationFactory)
    with tenant_context(tenant_a), pytest.raises(CrossTenantError):
        invitation.delete()
    with tenant_context(tenant_b):
        assert Invitation.objects.filter(pk=invitation.pk).exists()


# -- foreign keys never cross tenants -------------------------------------------


def test_a_foreign_key_to_another_tenants_row_fails_full_clean_on_that_field(tenant_a, tenant_b):
    their_member = _in(tenant_b, MembershipFactory)
    with tenant_context(tenant_a):
        grant = RoleGrant(membership=their_member, role=RoleCode.HR)
        with pytest.raises(ValidationError) as error:
            grant.full_clean()
    assert list(error.value.message_dict) == ["membership"]


def test_a_foreign_key_to_another_tenants_row_is_refused_by_save(tenant_a, tenant_b):
    their_member = _in(tenant_b, MembershipFactory)
    with tenant_context(tenant_a):
        with pytest.raises(CrossTenantError):
            RoleGrant(membership=their_member, role=RoleCode.HR).save()
        assert not RoleGrant.objects.exists()
    with tenant_context(tenant_b):
        assert not RoleGrant.objects.filter(membership=their_member, role=RoleCode.HR).exists()


def test_a_foreign_key_given_only_as_an_id_is_checked_too(tenant_a, tenant_b):
    their_member = _in(tenant_b, MembershipFactory)
    with tenant_context(tenant_a):
        grant = RoleGrant(membership_id=their_member.pk, role=RoleCode.HR)
        with pytest.raises(ValidationError) as error:
            grant.full_clean()
        assert "membership" in error.value.message_dict
        with pytest.raises(CrossTenantError):
            RoleGrant(membership_id=their_member.pk, role=RoleCode.HR).save()
    with tenant_context(tenant_b):
        assert not RoleGrant.objects.filter(membership=their_member, role=RoleCode.HR).exists()


def test_a_foreign_key_within_the_same_tenant_is_fine(tenant_a):
    with tenant_context(tenant_a):
        member = MembershipFactory(roles=[])
        grant = RoleGrant(membership=member, role=RoleCode.FINANCE)
        grant.full_clean()
        grant.save()
        assert member.role_codes() == {RoleCode.FINANCE}


# -- uniqueness is per company and a validation error ---------------------------


def test_a_duplicate_membership_is_a_validation_error_not_an_integrity_error(tenant_a):
    user = UserFactory()
    with tenant_context(tenant_a):
        Membership.objects.create(user=user)
        # An IntegrityError here would escape pytest.raises and fail the test.
        with pytest.raises(ValidationError) as error:
            Membership(user=user).full_clean()
        assert error.value.messages == ["Member with this User already exists."]
        assert Membership.objects.filter(user=user).count() == 1


def test_the_same_person_may_be_a_member_of_two_companies(tenant_a, tenant_b):
    user = UserFactory()
    with tenant_context(tenant_a):
        Membership.objects.create(user=user)
    with tenant_context(tenant_b):
        second = Membership(user=user)
        second.full_clean()
        second.save()
    assert {m.tenant_id for m in memberships_of_user(user=user)} == {tenant_a.pk, tenant_b.pk}


def test_inviting_the_same_person_twice_is_a_validation_error(tenant_a):
    with tenant_context(tenant_a):
        InvitationFactory(email="twice@acme.test")
        with pytest.raises(ValidationError) as error:
            Invitation(email="Twice@Acme.test", roles=["employee"]).full_clean()
        assert "This person already has an open invitation." in error.value.messages
        assert Invitation.objects.filter(email__iexact="twice@acme.test").count() == 1


def test_the_same_person_may_be_invited_by_two_companies(tenant_a, tenant_b):
    with tenant_context(tenant_a):
        InvitationFactory(email="popular@example.test")
    with tenant_context(tenant_b):
        invitation = Invitation(email="popular@example.test", roles=["employee"])
        invitation.full_clean()
        invitation.save()
    for tenant in (tenant_a, tenant_b):
        with tenant_context(tenant):
            assert Invitation.objects.filter(email="popular@example.test").count() == 1


def test_a_closed_invitation_does_not_block_a_new_one(tenant_a, owner_a):
    first = services.invitation_create(
        tenant=tenant_a, email="again@acme.test", roles=["employee"], invited_by=owner_a
    )
    services.invitation_revoke(invitation=first)
    with tenant_context(tenant_a):
        Invitation(email="again@acme.test", roles=["employee"]).full_clean()


def test_a_duplicate_role_grant_is_a_validation_error(tenant_a):
    with tenant_context(tenant_a):
        member = MembershipFactory(roles=[RoleCode.HR])
        with pytest.raises(ValidationError) as error:
            RoleGrant(membership=member, role=RoleCode.HR).full_clean()
        assert error.value.messages == ["Role grant with this Member and Role already exists."]


def test_the_database_still_refuses_a_duplicate_that_skipped_validation(tenant_a):
    user = UserFactory()
    with tenant_context(tenant_a):
        Membership.objects.create(user=user)
        with pytest.raises(IntegrityError), transaction.atomic():
            Membership.objects.create(user=user)


# -- cache keys carry the tenant ------------------------------------------------


def test_cache_keys_carry_the_tenant_id(tenant_a, tenant_b):
    with tenant_context(tenant_a):
        key_a = make_key("inbox", "ops", 1)
    with tenant_context(tenant_b):
        key_b = make_key("inbox", "ops", 1)
    assert key_a == f"ops:1:t{tenant_a.pk}:inbox"
    assert key_b == f"ops:1:t{tenant_b.pk}:inbox"
    assert make_key("inbox", "ops", 1) == "ops:1:global:inbox"


def test_a_value_cached_for_one_company_is_not_seen_by_another(tenant_a, tenant_b):
    with tenant_context(tenant_a):
        cache.set("open-requests", 7)
    with tenant_context(tenant_b):
        assert cache.get("open-requests") is None
    assert cache.get("open-requests") is None
    with tenant_context(tenant_a):
        assert cache.get("open-requests") == 7


# -- history: tenant, user and reason -------------------------------------------


def test_history_rows_record_the_tenant_the_user_and_the_reason(tenant_a, owner_a):
    with tenant_context(tenant_a):
        member = MembershipFactory()
        member.status = Membership.Status.DEACTIVATED
        member._history_user = owner_a
        with with_reason(member, "Left the company"):
            member.save()
        latest = member.history.latest()
    assert latest.tenant_id == tenant_a.pk
    assert latest.history_user == owner_a
    assert latest.history_change_reason == "Left the company"
    assert latest.history_type == "~"
    assert latest.status == Membership.Status.DEACTIVATED


def test_with_reason_applies_only_to_the_save_inside_it(tenant_a):
    with tenant_context(tenant_a):
        invitation = InvitationFactory()
        with with_reason(invitation, "Typo in the address"):
            invitation.email = "fixed@acme.test"
            invitation.save()
        invitation.roles = ["manager"]
        invitation.save()
        reasons = list(invitation.history.values_list("history_change_reason", flat=True))
    assert reasons == [None, "Typo in the address", None]


def test_service_writes_leave_history_with_their_reason_and_tenant(tenant_a, owner_a, make_member):
    colleague = make_member(tenant_a, "leaver@acme.test")
    with tenant_context(tenant_a):
        membership = Membership.objects.get(user=colleague)
    services.membership_deactivate(membership=membership, by=owner_a)
    with tenant_context(tenant_a):
        latest = Membership.history.filter(id=membership.pk).latest()
    assert latest.history_change_reason == "Deactivated"
    assert latest.tenant_id == tenant_a.pk
    assert latest.status == Membership.Status.DEACTIVATED


def test_a_change_made_in_the_admin_records_who_made_it(tenant_a, owner_a, make_member, client_for):
    colleague = make_member(tenant_a, "promoted@acme.test")
    with tenant_context(tenant_a):
        membership = Membership.objects.get(user=colleague)
    response = client_for(tenant_a, owner_a).post(
        f"/admin/tenants/membership/{membership.pk}/change/", {"roles": ["employee", "finance"]}
    )
    assert response.status_code == 302
    with tenant_context(tenant_a):
        granted = RoleGrant.history.get(membership_id=membership.pk, role=RoleCode.FINANCE)
    assert granted.history_type == "+"
    assert granted.history_user == owner_a
    assert granted.tenant_id == tenant_a.pk
    assert granted.history_change_reason == "Role granted"


def test_history_of_a_deleted_row_keeps_its_tenant(tenant_a):
    with tenant_context(tenant_a):
        member = MembershipFactory(roles=[RoleCode.MANAGER])
        grant = member.role_grants.get()
        grant_id = grant.pk
        with with_reason(grant, "No longer manages a team"):
            grant.delete()
        removed = RoleGrant.history.get(id=grant_id, history_type="-")
    assert removed.tenant_id == tenant_a.pk
    assert removed.history_change_reason == "No longer manages a team"
