"""The landlord's user screen: only a superuser makes superusers."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission

from tenants.models import User
from tests.conftest import PASSWORD


@pytest.fixture
def support(db) -> User:
    """Platform staff allowed to edit users, but not a superuser."""
    user = User.objects.create_user(email="support@platform.test", password=PASSWORD, is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=["view_user", "change_user"]))
    return user


def _form(user: User, **overrides) -> dict:
    data = {
        "email": user.email,
        "full_name": user.full_name,
        "language": "",
        "is_active": "on",
        "is_staff": "on" if user.is_staff else "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value != ""}


def test_a_forged_post_does_not_make_staff_a_superuser(support, client_for):
    client = client_for(None, support)
    page = client.get(f"/admin/tenants/user/{support.pk}/change/")
    assert page.status_code == 200
    assert 'name="is_superuser"' not in page.content.decode()

    response = client.post(
        f"/admin/tenants/user/{support.pk}/change/",
        _form(support, full_name="Sam Support", is_superuser="on"),
    )
    assert response.status_code == 302
    support.refresh_from_db()
    assert support.full_name == "Sam Support"  # the rest of the form was saved
    assert support.is_superuser is False


def test_staff_cannot_make_someone_else_a_superuser(support, client_for, db):
    other = User.objects.create_user(email="other@platform.test", password=PASSWORD)
    client_for(None, support).post(
        f"/admin/tenants/user/{other.pk}/change/", _form(other, is_superuser="on")
    )
    other.refresh_from_db()
    assert other.is_superuser is False


def test_staff_cannot_edit_a_superusers_account(support, platform_admin, client_for):
    client = client_for(None, support)
    response = client.post(
        f"/admin/tenants/user/{platform_admin.pk}/change/",
        _form(platform_admin, email="taken@evil.test"),
    )
    assert response.status_code == 403
    platform_admin.refresh_from_db()
    assert platform_admin.email == "admin@platform.test"


def test_a_superuser_can_grant_superuser(support, platform_admin, client_for):
    response = client_for(None, platform_admin).post(
        f"/admin/tenants/user/{support.pk}/change/", _form(support, is_superuser="on")
    )
    assert response.status_code == 302
    support.refresh_from_db()
    assert support.is_superuser is True
    row = support.history.first()
    assert row.history_user == platform_admin and "Superuser granted" in row.history_change_reason
