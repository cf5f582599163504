"""Each handled Stripe event, signed and posted as Stripe would, and what the
company's subscription, invoices and owners get from it."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.test import Client

from opsplatform.billing.entitlements import entitlement, is_read_only
from opsplatform.billing.models import Invoice, Subscription, WebhookEvent
from opsplatform.notifications.models import Notification
from opsplatform.tenancy import tenant_context
from tenants.roles import RoleCode

from . import stripe_stub as s

pytestmark = pytest.mark.django_db

Status = Subscription.Status
DAY = 86400


@pytest.fixture
def deliver(settings, django_capture_on_commit_callbacks):
    root = Client(HTTP_HOST="localhost")

    def post(payload):
        with s.installed(settings), django_capture_on_commit_callbacks(execute=True):
            response = s.post_event(root, payload)
        assert response.status_code == 200
        return WebhookEvent.objects.get(stripe_id=payload["id"])

    return post


@pytest.fixture
def plans(db):
    return s.make_plans()


@pytest.fixture
def acme(tenant_a, plans):
    """Acme on Starter, paying through Stripe."""
    return s.on_stripe(tenant_a, plans["starter"])


@pytest.fixture
def people(tenant_a, owner_a, make_member):
    """Acme's owner, and an employee who is not told about billing."""
    employee = make_member(tenant_a, "employee@acme.test", roles=[RoleCode.EMPLOYEE])
    return owner_a, employee


def sub_event(type, row, *, price=s.STARTER_MONTH, created=None, **fields):
    return s.event(
        type,
        s.subscription(
            id=row.stripe_subscription, customer=row.stripe_customer, price=price, **fields
        ),
        created=created,
    )


def invoice_event(type, row, *, created=None, **fields):
    return s.event(
        type,
        s.invoice(customer=row.stripe_customer, subscription_id=row.stripe_subscription, **fields),
        created=created,
    )


def notices(tenant, type_code):
    with tenant_context(tenant):
        return list(Notification.objects.filter(type_code=type_code).select_related("recipient"))


# -- checkout.session.completed ------------------------------------------------------


def test_checkout_completed_links_the_customer_and_subscription(deliver, tenant_a, plans):
    from opsplatform.billing.services import subscription_assign

    trial = subscription_assign(tenant=tenant_a, plan=plans["growth"], status=Status.TRIALING)
    assert trial.stripe_customer == trial.stripe_subscription == ""

    event = deliver(
        s.event(
            "checkout.session.completed",
            s.checkout_session(
                tenant=tenant_a, customer="cus_new", subscription_id="sub_new", plan="growth"
            ),
        )
    )

    trial.refresh_from_db()
    assert (trial.stripe_customer, trial.stripe_subscription) == ("cus_new", "sub_new")
    assert trial.status == Status.TRIALING  # the subscription's own events bring its status
    assert event.status == WebhookEvent.Status.PROCESSED and event.tenant == tenant_a


def test_checkout_for_no_known_company_fails_with_a_reason(deliver, tenant_a, plans):
    session = s.checkout_session(tenant=tenant_a, customer="cus_x", subscription_id="sub_x")
    session.update(client_reference_id=None, metadata={})

    event = deliver(s.event("checkout.session.completed", session))

    assert event.status == WebhookEvent.Status.FAILED
    assert "No company for Stripe customer cus_x" in event.error


# -- customer.subscription.created / updated / deleted ---------------------------------


def test_created_in_a_trial_sets_plan_interval_trial_and_period(deliver, tenant_a, plans):
    trial_end = int(time.time()) + 14 * DAY
    period_end = int(time.time()) + 365 * DAY
    payload = s.event(
        "customer.subscription.created",
        s.subscription(
            id="sub_trial",
            customer="cus_trial",
            price=s.GROWTH_YEAR,
            status="trialing",
            tenant=tenant_a,  # found by the metadata checkout puts on it
            trial_end=trial_end,
            period_end=period_end,
        ),
    )

    deliver(payload)

    row = Subscription.objects.get(tenant=tenant_a)
    assert (row.plan.code, row.interval, row.status) == ("growth", "year", Status.TRIALING)
    assert row.trial_ends_at == datetime.fromtimestamp(trial_end, tz=UTC)
    assert row.current_period_end == datetime.fromtimestamp(period_end, tz=UTC)
    assert (row.stripe_customer, row.stripe_subscription) == ("cus_trial", "sub_trial")
    assert row.stripe_synced_at == datetime.fromtimestamp(payload["created"], tz=UTC)


@pytest.mark.parametrize(
    ("stripe_status", "ours"),
    [
        ("active", Status.ACTIVE),
        ("trialing", Status.TRIALING),
        ("past_due", Status.PAST_DUE),
        ("unpaid", Status.PAST_DUE),
        ("incomplete", Status.INCOMPLETE),
        ("canceled", Status.CANCELLED),
    ],
)
def test_updated_maps_stripe_statuses(deliver, acme, stripe_status, ours):
    deliver(sub_event("customer.subscription.updated", acme, status=stripe_status))
    acme.refresh_from_db()
    assert acme.status == ours


def test_updated_to_another_price_moves_the_plan_and_the_gating(deliver, acme):
    assert entitlement(acme.tenant).plan.code == "starter"

    deliver(sub_event("customer.subscription.updated", acme, price=s.GROWTH_MONTH))

    acme.refresh_from_db()
    assert acme.plan.code == "growth"
    assert entitlement(acme.tenant).has_feature("projects")


def test_updated_with_cancel_at_period_end_is_shown_as_cancelling(deliver, acme):
    deliver(sub_event("customer.subscription.updated", acme, cancel_at_period_end=True))
    acme.refresh_from_db()
    assert acme.cancel_at_period_end is True and acme.status == Status.ACTIVE


def test_past_due_starts_a_grace_period_and_active_clears_it(deliver, acme):
    now = int(time.time())
    deliver(sub_event("customer.subscription.updated", acme, status="past_due", created=now))
    acme.refresh_from_db()
    assert acme.grace_until == datetime.fromtimestamp(now, tz=UTC) + timedelta(days=7)

    deliver(sub_event("customer.subscription.updated", acme, status="active", created=now + 5))
    acme.refresh_from_db()
    assert acme.grace_until is None and acme.status == Status.ACTIVE


def test_a_price_no_plan_has_fails_and_changes_nothing(deliver, acme):
    event = deliver(sub_event("customer.subscription.updated", acme, price="price_unknown"))

    assert event.status == WebhookEvent.Status.FAILED and event.attempts == 1
    assert "No plan has the Stripe price price_unknown" in event.error
    acme.refresh_from_db()
    assert acme.plan.code == "starter" and acme.stripe_synced_at is None


def test_deleted_cancels(deliver, acme):
    deliver(sub_event("customer.subscription.deleted", acme, status="canceled"))
    acme.refresh_from_db()
    assert acme.status == Status.CANCELLED and acme.cancel_at_period_end is False


def test_each_change_is_in_the_subscriptions_history(deliver, acme):
    payload = sub_event("customer.subscription.updated", acme, price=s.GROWTH_MONTH)
    deliver(payload)
    latest = acme.history.order_by("-history_date", "-history_id").first()
    assert latest.plan.code == "growth"
    assert latest.history_change_reason == f"Stripe customer.subscription.updated {payload['id']}"


def test_an_event_for_an_unknown_customer_fails_with_a_reason(deliver, plans):
    event = deliver(
        s.event(
            "customer.subscription.updated",
            s.subscription(id="sub_nobody", customer="cus_nobody", price=s.STARTER_MONTH),
        )
    )
    assert event.status == WebhookEvent.Status.FAILED
    assert "cus_nobody" in event.error


# -- customer.subscription.trial_will_end -------------------------------------------------


def test_trial_will_end_tells_the_owners(deliver, acme, people):
    owner, employee = people
    trial_end = int(time.time()) + 3 * DAY

    deliver(sub_event("customer.subscription.trial_will_end", acme, trial_end=trial_end))

    told = notices(acme.tenant, "billing.trial_ending")
    assert [notice.recipient for notice in told] == [owner]
    assert [message.to for message in mail.outbox] == [[owner.email]]
    assert "Starter trial of Acme Corp ends on" in mail.outbox[0].subject


# -- invoice.paid ------------------------------------------------------------------------


def test_invoice_paid_keeps_the_invoice_and_restores_a_past_due_company(deliver, acme):
    acme.status, acme.grace_until = Status.PAST_DUE, datetime(2000, 1, 1, tzinfo=UTC)
    acme.save()
    assert is_read_only(acme.tenant)

    payload = invoice_event("invoice.paid", acme, amount_due=4900, amount_paid=4900, status="paid")
    event = deliver(payload)

    acme.refresh_from_db()
    acme.tenant.refresh_from_db()
    assert acme.status == Status.ACTIVE and acme.grace_until is None
    assert not is_read_only(acme.tenant)
    invoice = Invoice.objects.get(stripe_id=payload["data"]["object"]["id"])
    assert invoice.tenant == acme.tenant and event.tenant == acme.tenant
    assert (invoice.amount_due, invoice.amount_paid, invoice.currency) == (
        Decimal("49.00"),
        Decimal("49.00"),
        "USD",
    )
    assert invoice.pdf_url.endswith("/pdf") and invoice.hosted_url.startswith("https://invoice.")
    assert invoice.status == "paid"


def test_a_trials_free_invoice_leaves_the_trial(deliver, acme):
    acme.status = Status.TRIALING
    acme.save()
    deliver(invoice_event("invoice.paid", acme, amount_due=0, amount_paid=0, status="paid"))
    acme.refresh_from_db()
    assert acme.status == Status.TRIALING
    assert Invoice.objects.filter(tenant=acme.tenant).count() == 1


def test_a_second_event_of_an_invoice_updates_its_row(deliver, acme):
    open_invoice = s.invoice(
        customer=acme.stripe_customer, subscription_id=acme.stripe_subscription, status="open"
    )
    deliver(s.event("invoice.payment_failed", open_invoice))
    paid = dict(open_invoice, status="paid", amount_paid=open_invoice["amount_due"])
    deliver(s.event("invoice.paid", paid))
    assert list(Invoice.objects.values_list("status", flat=True)) == ["paid"]


# -- invoice.payment_failed -----------------------------------------------------------------


def test_payment_failed_puts_the_company_past_due_with_grace_and_tells_the_owners(
    deliver, acme, people, settings
):
    settings.BILLING_GRACE_DAYS = 5
    owner, _employee = people
    created = int(time.time())

    deliver(invoice_event("invoice.payment_failed", acme, amount_due=4900, created=created))

    acme.refresh_from_db()
    assert acme.status == Status.PAST_DUE
    assert acme.grace_until == datetime.fromtimestamp(created, tz=UTC) + timedelta(days=5)
    assert not is_read_only(acme.tenant)  # in its grace period it still writes
    told = notices(acme.tenant, "billing.payment_failed")
    assert [notice.recipient for notice in told] == [owner]
    assert told[0].in_app and told[0].email
    assert [message.to for message in mail.outbox] == [[owner.email]]
    email = mail.outbox[0]
    assert "Payment of USD 49.00 for Acme Corp failed" in email.subject
    invoice = Invoice.objects.get(tenant=acme.tenant)
    assert invoice.hosted_url in email.body  # how to pay
    assert "read-only" in email.body


def test_after_the_grace_period_the_company_is_read_only_until_it_pays(deliver, acme):
    from freezegun import freeze_time

    created = int(time.time())
    deliver(invoice_event("invoice.payment_failed", acme, created=created, id="in_late"))
    acme.refresh_from_db()
    with freeze_time(acme.grace_until + timedelta(minutes=1)):
        acme.tenant.refresh_from_db()
        assert is_read_only(acme.tenant)
        deliver(
            invoice_event(
                "invoice.paid",
                acme,
                created=int(time.time()),
                id="in_late",
                status="paid",
                amount_paid=4900,
            )
        )
        acme.refresh_from_db()
        assert acme.status == Status.ACTIVE and not is_read_only(acme.tenant)


def test_a_grace_period_already_running_is_kept(deliver, acme):
    extended = datetime.now(tz=UTC) + timedelta(days=30)  # staff extended it
    acme.status, acme.grace_until = Status.PAST_DUE, extended
    acme.save()

    deliver(invoice_event("invoice.payment_failed", acme))  # Stripe's next retry failed

    acme.refresh_from_db()
    assert acme.grace_until == extended


def test_a_failed_invoice_of_an_old_subscription_changes_nothing(deliver, acme):
    payload = s.event(
        "invoice.payment_failed",
        s.invoice(customer=acme.stripe_customer, subscription_id="sub_long_gone"),
    )
    deliver(payload)
    acme.refresh_from_db()
    assert acme.status == Status.ACTIVE and acme.grace_until is None
    assert Invoice.objects.filter(tenant=acme.tenant).count() == 1  # still listed


# -- invoice.upcoming --------------------------------------------------------------------


def test_invoice_upcoming_sets_the_next_amount_only(deliver, acme):
    upcoming = s.invoice(
        customer=acme.stripe_customer, subscription_id=acme.stripe_subscription, amount_due=1900
    )
    upcoming["id"] = None  # an upcoming invoice has no id yet
    before = Subscription.objects.get(pk=acme.pk)

    event = deliver(s.event("invoice.upcoming", upcoming))

    acme.refresh_from_db()
    assert event.status == WebhookEvent.Status.PROCESSED
    assert acme.next_amount == Decimal("19.00")
    assert (acme.status, acme.plan_id, acme.stripe_synced_at) == (
        before.status,
        before.plan_id,
        before.stripe_synced_at,
    )
    assert not Invoice.objects.exists()
