"""Events in any order end in the right state: an older event arriving late never
rolls the subscription back, and a cancelled one is never revived."""

from __future__ import annotations

import time

import pytest
from django.test import Client

from opsplatform.billing.models import Subscription, WebhookEvent
from opsplatform.notifications.models import Notification
from opsplatform.tenancy import tenant_context

from . import stripe_stub as s

pytestmark = pytest.mark.django_db

Status = Subscription.Status


@pytest.fixture
def deliver(settings, django_capture_on_commit_callbacks):
    root = Client(HTTP_HOST="localhost")

    def post(*payloads):
        for payload in payloads:
            with s.installed(settings), django_capture_on_commit_callbacks(execute=True):
                assert s.post_event(root, payload).status_code == 200
            status = WebhookEvent.objects.get(stripe_id=payload["id"]).status
            assert status == WebhookEvent.Status.PROCESSED, payload["type"]

    return post


@pytest.fixture
def plans(db):
    return s.make_plans()


@pytest.fixture
def acme(tenant_a, plans):
    return s.on_stripe(tenant_a, plans["starter"])


def updated(row, *, created, price=s.STARTER_MONTH, status="active", type="updated"):
    return s.event(
        f"customer.subscription.{type}",
        s.subscription(
            id=row.stripe_subscription, customer=row.stripe_customer, price=price, status=status
        ),
        created=created,
    )


def state(row):
    row.refresh_from_db()
    return row.plan.code, row.status


def test_an_older_update_arriving_late_is_skipped(deliver, acme):
    now = int(time.time())
    deliver(
        updated(acme, created=now, price=s.GROWTH_MONTH),
        updated(acme, created=now - 60, price=s.STARTER_MONTH),
    )
    assert state(acme) == ("growth", Status.ACTIVE)


def test_in_order_the_newer_update_wins(deliver, acme):
    now = int(time.time())
    deliver(
        updated(acme, created=now - 60, price=s.STARTER_MONTH),
        updated(acme, created=now, price=s.GROWTH_MONTH),
    )
    assert state(acme) == ("growth", Status.ACTIVE)


def test_a_deleted_subscription_is_not_revived_by_an_older_update(deliver, acme):
    now = int(time.time())
    deliver(
        updated(acme, created=now, status="canceled", type="deleted"),
        updated(acme, created=now - 30, status="active"),
    )
    assert state(acme)[1] == Status.CANCELLED


def test_nor_by_an_update_of_the_same_second(deliver, acme):
    now = int(time.time())
    deliver(
        updated(acme, created=now, status="canceled", type="deleted"),
        updated(acme, created=now, status="active"),
    )
    assert state(acme)[1] == Status.CANCELLED


def test_the_end_of_an_old_subscription_does_not_end_the_new_one(deliver, acme):
    old = Subscription(stripe_subscription="sub_old", stripe_customer=acme.stripe_customer)
    deliver(updated(old, created=int(time.time()), status="canceled", type="deleted"))
    assert state(acme)[1] == Status.ACTIVE


def test_a_late_payment_failure_after_the_payment_changes_nothing(deliver, acme, owner_a):
    now = int(time.time())
    invoice = s.invoice(customer=acme.stripe_customer, subscription_id=acme.stripe_subscription)
    paid = dict(invoice, status="paid", amount_paid=invoice["amount_due"])
    deliver(
        s.event("invoice.paid", paid, created=now),
        s.event("invoice.payment_failed", invoice, created=now - 3600),
    )
    acme.refresh_from_db()
    assert acme.status == Status.ACTIVE and acme.grace_until is None
    with tenant_context(acme.tenant):
        assert not Notification.objects.filter(type_code="billing.payment_failed").exists()


def a_subscription_s_life(tenant):
    """Checkout, the subscription made, a failed payment, then paid: in Stripe's order."""
    now = int(time.time())
    customer, sub_id = "cus_life", "sub_life"
    sub = s.subscription(id=sub_id, customer=customer, price=s.GROWTH_MONTH, tenant=tenant)
    invoice = s.invoice(customer=customer, subscription_id=sub_id)
    return [
        s.event(
            "checkout.session.completed",
            s.checkout_session(
                tenant=tenant, customer=customer, subscription_id=sub_id, plan="growth"
            ),
            created=now - 500,
        ),
        s.event("customer.subscription.created", dict(sub, status="incomplete"), created=now - 500),
        s.event("invoice.payment_failed", invoice, created=now - 400),
        s.event("customer.subscription.updated", dict(sub, status="past_due"), created=now - 400),
        s.event("invoice.paid", dict(invoice, status="paid", amount_paid=4900), created=now - 100),
        s.event("customer.subscription.updated", dict(sub, status="active"), created=now - 100),
    ]


@pytest.mark.parametrize("order", ["as sent", "reversed"])
def test_a_whole_life_ends_the_same_in_either_order(deliver, tenant_a, plans, order):
    from opsplatform.billing.services import subscription_assign

    subscription_assign(tenant=tenant_a, plan=plans["growth"], status=Status.TRIALING)
    events = a_subscription_s_life(tenant_a)
    deliver(*(events if order == "as sent" else reversed(events)))

    row = Subscription.objects.get(tenant=tenant_a)
    assert (row.plan.code, row.status, row.grace_until) == ("growth", Status.ACTIVE, None)
    assert (row.stripe_customer, row.stripe_subscription) == ("cus_life", "sub_life")
