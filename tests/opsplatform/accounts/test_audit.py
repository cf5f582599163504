"""Password, flag, permission and role changes leave history rows saying who and what."""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission

from opsplatform.tenancy import tenant_context
from tenants import services
from tenants.models import Membership, RoleGrant, User
from tenants.roles import RoleCode


def test_set_password_and_save_is_recorded_without_the_hash(owner_a):
    before = owner_a.history.count()
    owner_a.set_password("An0ther-secret!")
    owner_a.save()
    assert owner_a.history.count() == before + 1
    row = owner_a.history.first()
    assert row.history_change_reason == "Password changed"
    assert "password" not in {field.name for field in row._meta.fields}


def test_a_save_that_keeps_the_password_does_not_say_it_changed(owner_a):
    owner_a.full_name = "Olive Owner"
    owner_a.save()
    assert owner_a.history.first().history_change_reason in (None, "")


def test_staff_and_superuser_flags_name_who_changed_them(platform_admin, client_for, db):
    person = User.objects.create_user(email="pat@platform.test", password="x-Y-z-12345")
    client = client_for(None, platform_admin)
    response = client.post(
        f"/admin/tenants/user/{person.pk}/change/",
        {
            "email": person.email,
            "full_name": "",
            "language": "",
            "is_active": "on",
            "is_staff": "on",
            "is_superuser": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    row = person.history.first()
    assert row.history_user == platform_admin
    assert "Platform staff granted" in row.history_change_reason
    assert "Superuser granted" in row.history_change_reason


def test_deactivation_is_recorded(platform_admin, owner_a):
    owner_a.is_active = False
    owner_a._history_user = platform_admin
    owner_a.save()
    row = owner_a.history.first()
    assert row.history_change_reason == "Deactivated" and row.history_user == platform_admin


def test_group_and_permission_changes_are_recorded(owner_a):
    group = Group.objects.create(name="Support")
    owner_a.groups.add(group)
    row = owner_a.history.first()
    assert row.history_change_reason == "Groups changed: +Support"
    assert [g.group_id for g in row.groups.all()] == [group.pk]

    permission = Permission.objects.get(codename="change_tenant")
    owner_a.user_permissions.add(permission)
    assert owner_a.history.first().history_change_reason == "Permissions changed: +change_tenant"
    owner_a.user_permissions.remove(permission)
    assert owner_a.history.first().history_change_reason == "Permissions changed: -change_tenant"


def test_role_grants_carry_the_person_who_granted_them(tenant_a, owner_a, make_member):
    person = make_member(tenant_a, "emp@acme.test")
    with tenant_context(tenant_a):
        membership = Membership.objects.get(user=person)
        services.membership_set_roles(
            membership=membership, roles=[RoleCode.EMPLOYEE, RoleCode.HR], by=owner_a
        )
        grant = RoleGrant.objects.get(membership=membership, role=RoleCode.HR)
        row = grant.history.first()
    assert row.history_user == owner_a
    assert row.history_change_reason == "Role granted"
