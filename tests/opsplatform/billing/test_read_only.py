"""Read-only mode beyond the admins' own screens: what stays open (signing out,
the language, notification marks), scripts get JSON, the grace period's edge,
and the landlord site is never read-only."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from opsplatform.billing.entitlements import is_read_only
from opsplatform.billing.models import Subscription
from opsplatform.notifications.models import Notification
from opsplatform.notifications.selectors import enabled_channels
from opsplatform.tenancy import tenant_context
from tenants.models import Invitation, User
from tests.opsplatform.billing.gating_walk import plan_lacking, put_on

pytestmark = pytest.mark.django_db


@pytest.fixture
def grace_ends(tenant_a):
    end = timezone.now() + timedelta(days=3)
    _low, plan = plan_lacking("nothing-at-all")
    put_on(tenant_a, plan, status=Subscription.Status.PAST_DUE)
    Subscription.objects.filter(tenant=tenant_a).update(grace_until=end)
    tenant_a.__dict__.pop("_billing_entitlement", None)
    return end


def test_read_only_starts_when_the_grace_period_ends(tenant_a, grace_ends):
    subscription = Subscription.objects.get(tenant=tenant_a)
    assert not subscription.is_read_only(now=grace_ends - timedelta(seconds=1))
    assert subscription.is_read_only(now=grace_ends)
    with freeze_time(grace_ends + timedelta(minutes=1)):
        assert is_read_only(tenant_a)


def test_a_script_is_refused_with_json(tenant_a, owner_a, client_for, grace_ends):
    with freeze_time(grace_ends + timedelta(days=1)):
        response = client_for(tenant_a, owner_a).post(
            reverse("admin:tenants_invitation_add"),
            {"email": "new@acme.test"},
            HTTP_X_REQUESTED_WITH="XMLHttpRequest",
        )
    assert response.status_code == 403
    assert response.json()["error"] == "read_only"
    with tenant_context(tenant_a):
        assert not Invitation.objects.filter(email="new@acme.test").exists()


def test_a_persons_own_writes_stay_open(tenant_a, owner_a, client_for, grace_ends):
    with tenant_context(tenant_a):
        note = Notification.objects.create(recipient=owner_a, type_code="tenants.member_joined")
    with freeze_time(grace_ends + timedelta(days=1)):
        client = client_for(tenant_a, owner_a)
        response = client.post(reverse("language-switch"), {"language": "ar", "next": "/admin/"})
        assert response.status_code == 302
        assert User.objects.get(pk=owner_a.pk).language == "ar"
        response = client.post(reverse("admin:notifications_notification_read", args=[note.pk]))
        assert response.status_code != 403
        with tenant_context(tenant_a):
            note.refresh_from_db()
            assert note.read_at is not None
        response = client.post(
            reverse("admin:notifications_settings"), {"billing.trial_ending:in_app": "on"}
        )
        assert response.status_code == 302
        with tenant_context(tenant_a):
            assert enabled_channels(owner_a, "billing.trial_ending") == {"in_app"}
        response = client.post(reverse("admin:logout"))
        assert response.status_code in (200, 302)
        assert "_auth_user_id" not in client.session


def test_signing_in_stays_open(tenant_a, owner_a, client_for, grace_ends):
    from tests.conftest import PASSWORD

    with freeze_time(grace_ends + timedelta(days=1)):
        client = client_for(tenant_a)
        response = client.post(
            reverse("admin:login"), {"username": owner_a.email, "password": PASSWORD}
        )
    assert response.status_code == 302
    assert client.session.get("_auth_user_id") == str(owner_a.pk)


def test_the_banner_is_on_the_dashboard_only_while_read_only(
    tenant_a, owner_a, client_for, grace_ends
):
    with freeze_time(grace_ends - timedelta(days=1)):
        page = client_for(tenant_a, owner_a).get(reverse("admin:index"))
        assert 'data-testid="read-only-banner"' not in page.content.decode()
    with freeze_time(grace_ends + timedelta(days=1)):
        page = client_for(tenant_a, owner_a).get(reverse("admin:index"))
        assert page.status_code == 200
        assert 'data-testid="read-only-banner"' in page.content.decode()
