"""Role changes: audited, and a company always keeps an owner."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from opsplatform.tenancy import tenant_context
from tenants import services
from tenants.models import Membership, RoleGrant
from tenants.roles import RoleCode

pytestmark = pytest.mark.django_db


def _membership(tenant, user):
    with tenant_context(tenant):
        return Membership.objects.get(user=user)


def test_owner_changes_roles_and_each_grant_is_in_the_history(tenant_a, owner_a, make_member):
    colleague = make_member(tenant_a, "col@acme.test")
    membership = _membership(tenant_a, colleague)
    services.membership_set_roles(membership=membership, roles=["finance", "manager"], by=owner_a)
    with tenant_context(tenant_a):
        assert membership.role_codes() == {RoleCode.FINANCE, RoleCode.MANAGER}
        reasons = list(
            RoleGrant.history.filter(membership_id=membership.pk).values_list(
                "history_type", "role", "history_change_reason"
            )
        )
    assert ("-", "employee", "Role removed") in reasons
    assert ("+", "finance", "Role granted") in reasons


def test_the_last_owner_cannot_be_removed_or_deactivated(tenant_a, owner_a):
    membership = _membership(tenant_a, owner_a)
    with pytest.raises(ValidationError, match="at least one active owner"):
        services.membership_set_roles(membership=membership, roles=["employee"], by=owner_a)
    with pytest.raises(ValidationError, match="cannot deactivate yourself"):
        services.membership_deactivate(membership=membership, by=owner_a)
    with tenant_context(tenant_a):
        assert membership.role_codes() == {RoleCode.OWNER}


def test_with_a_second_owner_the_first_may_step_down(tenant_a, owner_a, make_member):
    make_member(tenant_a, "second@acme.test", roles=[RoleCode.OWNER])
    services.membership_set_roles(
        membership=_membership(tenant_a, owner_a), roles=["ceo"], by=owner_a
    )
    with tenant_context(tenant_a):
        assert _membership(tenant_a, owner_a).role_codes() == {RoleCode.CEO}


def test_owner_changes_roles_through_the_admin_form(tenant_a, owner_a, make_member, client_for):
    colleague = make_member(tenant_a, "col@acme.test")
    membership = _membership(tenant_a, colleague)
    response = client_for(tenant_a, owner_a).post(
        f"/admin/tenants/membership/{membership.pk}/change/", {"roles": ["hr", "employee"]}
    )
    assert response.status_code == 302
    with tenant_context(tenant_a):
        assert membership.role_codes() == {RoleCode.HR, RoleCode.EMPLOYEE}
