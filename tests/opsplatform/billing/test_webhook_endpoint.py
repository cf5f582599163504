"""POST /stripe/webhook/: signed and recent events are stored first and processed
once; anything else gets 400 and changes nothing."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from freezegun import freeze_time

from opsplatform.billing.models import Subscription, WebhookEvent
from opsplatform.billing.webhooks.processing import sweep_received

from . import stripe_stub as s

pytestmark = pytest.mark.django_db


@pytest.fixture
def stub(settings):
    with s.installed(settings) as found:
        yield found


@pytest.fixture
def root():
    return Client(HTTP_HOST="localhost")


@pytest.fixture
def deliver(root, stub, django_capture_on_commit_callbacks):
    """Post a signed event and run what its commit starts (huey runs inline in tests)."""

    def post(payload, **options):
        with django_capture_on_commit_callbacks(execute=True):
            return s.post_event(root, payload, **options)

    return post


@pytest.fixture
def plans(db):
    return s.make_plans()


@pytest.fixture
def acme_on_starter(tenant_a, plans):
    return s.on_stripe(tenant_a, plans["starter"])


def updated_to_growth(row, **options):
    return s.event(
        "customer.subscription.updated",
        s.subscription(
            id=row.stripe_subscription, customer=row.stripe_customer, price=s.GROWTH_MONTH
        ),
        **options,
    )


def test_a_signed_event_is_stored_and_processed(deliver, acme_on_starter):
    payload = updated_to_growth(acme_on_starter)

    response = deliver(payload)

    assert response.status_code == 200
    event = WebhookEvent.objects.get()
    assert (event.stripe_id, event.type, event.status) == (
        payload["id"],
        "customer.subscription.updated",
        WebhookEvent.Status.PROCESSED,
    )
    assert event.attempts == 1 and event.tenant == acme_on_starter.tenant
    assert event.payload == payload
    acme_on_starter.refresh_from_db()
    assert acme_on_starter.plan.code == "growth"


def test_a_bad_signature_gets_400_and_stores_nothing(deliver, acme_on_starter):
    response = deliver(updated_to_growth(acme_on_starter), secret="whsec_someone_else")

    assert response.status_code == 400
    assert not WebhookEvent.objects.exists()
    acme_on_starter.refresh_from_db()
    assert acme_on_starter.plan.code == "starter"


def test_an_unsigned_post_gets_400(root, stub, acme_on_starter):
    response = root.post(
        "/stripe/webhook/", data=updated_to_growth(acme_on_starter), content_type="application/json"
    )
    assert response.status_code == 400
    assert not WebhookEvent.objects.exists()


def test_a_body_changed_after_signing_gets_400(root, stub, acme_on_starter):
    import json

    body = json.dumps(updated_to_growth(acme_on_starter))
    header = s.signed(body)
    response = root.post(
        "/stripe/webhook/",
        data=body.replace("price_growth_month", "price_starter_month"),
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=header,
    )
    assert response.status_code == 400
    assert not WebhookEvent.objects.exists()


def test_a_stale_timestamp_gets_400_and_a_recent_one_passes(deliver, acme_on_starter, settings):
    settings.STRIPE_WEBHOOK_TOLERANCE = 300
    now = int(time.time())

    stale = deliver(updated_to_growth(acme_on_starter), timestamp=now - 301)
    assert stale.status_code == 400
    assert not WebhookEvent.objects.exists()

    recent = deliver(updated_to_growth(acme_on_starter), timestamp=now - 250)
    assert recent.status_code == 200
    assert WebhookEvent.objects.count() == 1


def test_without_a_webhook_secret_nothing_is_accepted(deliver, acme_on_starter, settings):
    settings.STRIPE_WEBHOOK_SECRET = ""
    assert deliver(updated_to_growth(acme_on_starter)).status_code == 400
    assert not WebhookEvent.objects.exists()


def test_a_duplicate_is_a_no_op(deliver, acme_on_starter, owner_a):
    from opsplatform.notifications.models import Notification
    from opsplatform.tenancy import tenant_context

    failed = s.event(
        "invoice.payment_failed",
        s.invoice(
            customer=acme_on_starter.stripe_customer,
            subscription_id=acme_on_starter.stripe_subscription,
        ),
    )

    first = deliver(failed)
    second = deliver(failed)

    assert first.status_code == second.status_code == 200
    assert second.content == b"duplicate"
    event = WebhookEvent.objects.get()
    assert event.attempts == 1
    with tenant_context(acme_on_starter.tenant):
        assert Notification.objects.filter(type_code="billing.payment_failed").count() == 1


def test_an_unknown_type_is_recorded_and_ignored(deliver):
    payload = s.fixture("event", id=s.new_id("evt"), created=int(time.time()))  # plan.created

    response = deliver(payload)

    assert response.status_code == 200
    event = WebhookEvent.objects.get()
    assert (event.type, event.status, event.error) == ("plan.created", "ignored", "")
    assert event.payload["data"]["object"]["object"] == "plan"


def test_only_post_is_answered(root, stub):
    assert root.get("/stripe/webhook/").status_code == 405


def test_stripe_needs_no_csrf_token(stub, acme_on_starter, django_capture_on_commit_callbacks):
    strict = Client(HTTP_HOST="localhost", enforce_csrf_checks=True)
    with django_capture_on_commit_callbacks(execute=True):
        response = s.post_event(strict, updated_to_growth(acme_on_starter))
    assert response.status_code == 200


def test_with_the_queue_down_the_event_waits_and_the_sweep_processes_it(deliver, acme_on_starter):
    from tests.broken_queue import queue_down

    with queue_down() as refusals:
        response = deliver(updated_to_growth(acme_on_starter))

    assert response.status_code == 200  # stored: Stripe need not send it again
    assert [name.rsplit(".", 1)[-1] for name in refusals.tasks] == ["process_webhook_event"]
    event = WebhookEvent.objects.get()
    assert event.status == WebhookEvent.Status.RECEIVED
    assert Subscription.objects.get(pk=acme_on_starter.pk).plan.code == "starter"

    assert sweep_received() == []  # too young: the endpoint's own task may still run it
    with freeze_time(timezone.now() + timedelta(minutes=3)):
        assert sweep_received() == [event.pk]
    event.refresh_from_db()
    assert event.status == WebhookEvent.Status.PROCESSED
    assert Subscription.objects.get(pk=acme_on_starter.pk).plan.code == "growth"


def test_the_worker_knows_billings_tasks():
    from django.utils.module_loading import autodiscover_modules
    from huey.contrib.djhuey import HUEY

    autodiscover_modules("tasks")  # what run_huey does
    registered = set(HUEY._registry._registry)
    assert {
        "opsplatform.billing.tasks.process_webhook_event",
        "opsplatform.billing.tasks.sweep_webhook_events",
        "opsplatform.billing.tasks.reconcile_subscriptions",
    } <= registered
