"""Every state change is a POST with CSRF: suspending a company from its page
asks first, and a GET (a link anyone can plant) changes nothing."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tenants.models import Tenant, User
from tests.conftest import PASSWORD, verify_second_factor

pytestmark = pytest.mark.django_db


def suspend_url(tenant) -> str:
    return reverse(
        "admin:tenants_tenant_suspend_detail", urlconf="opsplatform.urls.landlord", args=[tenant.pk]
    )


def test_a_get_of_suspend_asks_and_changes_nothing(tenant_a, platform_admin, client_for):
    client = client_for(None, platform_admin)

    response = client.get(suspend_url(tenant_a))

    assert response.status_code == 200
    body = response.content.decode()
    assert "Suspend Acme Corp?" in body
    assert 'method="post"' in body
    tenant_a.refresh_from_db()
    assert tenant_a.status == Tenant.Status.ACTIVE
    assert tenant_a.history.count() == 1


def test_the_confirmation_post_suspends(tenant_a, platform_admin, client_for):
    client = client_for(None, platform_admin)

    response = client.post(suspend_url(tenant_a), follow=True)

    assert response.status_code == 200
    tenant_a.refresh_from_db()
    assert tenant_a.status == Tenant.Status.SUSPENDED
    assert "Acme Corp is suspended." in response.content.decode()


def test_the_confirmation_post_needs_the_csrf_token(tenant_a, platform_admin):
    client = Client(HTTP_HOST="localhost", enforce_csrf_checks=True)
    client.force_login(platform_admin)
    verify_second_factor(client, platform_admin)

    response = client.post(suspend_url(tenant_a))

    assert response.status_code == 403
    tenant_a.refresh_from_db()
    assert tenant_a.status == Tenant.Status.ACTIVE


def test_staff_without_the_change_permission_cannot_suspend(tenant_a, client_for):
    clerk = User.objects.create_user(email="clerk@platform.test", password=PASSWORD, is_staff=True)
    client = client_for(None, clerk)

    assert client.get(suspend_url(tenant_a)).status_code == 403
    assert client.post(suspend_url(tenant_a)).status_code == 403
    tenant_a.refresh_from_db()
    assert tenant_a.status == Tenant.Status.ACTIVE
