"""Platform staff see every webhook event with its status and error, and retry a
failed one by POST once its cause is fixed."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from opsplatform.billing.models import WebhookEvent
from tenants.models import User
from tests.conftest import PASSWORD

from . import stripe_stub as s

pytestmark = pytest.mark.django_db

LIST_URL = "/admin/billing/webhookevent/"


def retry_url(event) -> str:
    return reverse(
        "admin:billing_webhookevent_retry_detail",
        urlconf="opsplatform.urls.landlord",
        args=[event.pk],
    )


@pytest.fixture
def plans(db):
    return s.make_plans()


@pytest.fixture
def acme(tenant_a, plans):
    return s.on_stripe(tenant_a, plans["starter"])


@pytest.fixture
def failed(settings, acme, django_capture_on_commit_callbacks):
    """An update to a price that no plan carries yet: the handler fails."""
    payload = s.event(
        "customer.subscription.updated",
        s.subscription(
            id=acme.stripe_subscription, customer=acme.stripe_customer, price="price_new_growth"
        ),
    )
    with s.installed(settings), django_capture_on_commit_callbacks(execute=True):
        assert s.post_event(Client(HTTP_HOST="localhost"), payload).status_code == 200
    event = WebhookEvent.objects.get(stripe_id=payload["id"])
    assert event.status == WebhookEvent.Status.FAILED
    return event


@pytest.fixture
def staff(platform_admin, client_for):
    return client_for(None, platform_admin)


def test_staff_see_the_failed_event_with_its_error(staff, failed):
    response = staff.get(LIST_URL, {"status__exact": "failed"})

    assert response.status_code == 200
    assert [row.pk for row in response.context["cl"].result_list] == [failed.pk]
    assert (
        "UnknownPrice: No plan has the Stripe price price_new_growth" in response.content.decode()
    )

    page = staff.get(f"{LIST_URL}{failed.pk}/change/")
    assert page.status_code == 200
    assert "price_new_growth" in page.content.decode()  # the payload


def test_the_filters_narrow_the_list(staff, failed, tenant_b):
    assert staff.get(LIST_URL, {"status__exact": "processed"}).context["cl"].result_count == 0
    by_type = staff.get(LIST_URL, {"type": "customer.subscription.updated"})
    assert by_type.context["cl"].result_count == 1
    assert staff.get(LIST_URL, {"tenant__id__exact": tenant_b.pk}).context["cl"].result_count == 0


def test_the_list_is_read_only(staff, failed):
    assert staff.get(f"{LIST_URL}add/").status_code == 403
    assert staff.post(f"{LIST_URL}{failed.pk}/delete/").status_code == 403
    staff.post(f"{LIST_URL}{failed.pk}/change/", {"status": "processed"})
    failed.refresh_from_db()
    assert failed.status == WebhookEvent.Status.FAILED


def test_a_retry_after_the_fix_processes_the_event(staff, failed, plans, acme):
    growth = plans["growth"]
    growth.stripe_monthly_price = "price_new_growth"  # staff fix the plan
    growth.save()

    confirm = staff.get(retry_url(failed))  # a GET only asks
    assert confirm.status_code == 200
    failed.refresh_from_db()
    assert failed.status == WebhookEvent.Status.FAILED

    response = staff.post(retry_url(failed), follow=True)

    assert response.status_code == 200
    assert "1 event was processed." in response.content.decode()
    failed.refresh_from_db()
    assert (failed.status, failed.attempts, failed.error) == ("processed", 2, "")
    acme.refresh_from_db()
    assert acme.plan == growth


def test_a_retry_that_fails_again_says_so(staff, failed):
    response = staff.post(retry_url(failed), follow=True)
    assert "1 event failed again" in response.content.decode()
    failed.refresh_from_db()
    assert (failed.status, failed.attempts) == ("failed", 2)


def test_a_processed_event_is_not_processed_again(staff, failed, plans):
    WebhookEvent.objects.filter(pk=failed.pk).update(status=WebhookEvent.Status.PROCESSED)
    response = staff.post(retry_url(failed), follow=True)
    assert "Only a failed event can be retried." in response.content.decode()
    failed.refresh_from_db()
    assert failed.attempts == 1


def test_staff_without_the_permission_cannot_retry(failed, client_for):
    viewer = User.objects.create_user(
        email="viewer@platform.test", password=PASSWORD, is_staff=True
    )
    viewer.user_permissions.add(Permission.objects.get(codename="view_webhookevent"))
    client = client_for(None, viewer)

    assert client.get(LIST_URL).status_code == 200
    assert client.post(retry_url(failed)).status_code == 403
    failed.refresh_from_db()
    assert failed.attempts == 1


def test_the_list_action_retries_the_selected_failed_events(staff, failed):
    page = staff.get(LIST_URL).content.decode()
    assert "Retry selected failed events" in page
    response = staff.post(
        LIST_URL, {"action": "retry_selected", "_selected_action": [failed.pk]}, follow=True
    )
    assert "1 event failed again" in response.content.decode()
    failed.refresh_from_db()
    assert failed.attempts == 2
