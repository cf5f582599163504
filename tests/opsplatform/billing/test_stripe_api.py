"""The Stripe adapter through the SDK, against the stub at its HTTP-client seam:
the requests it sends, what it makes of Stripe's answers, and what it refuses."""

from __future__ import annotations

import time
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from opsplatform.billing import stripe_api
from opsplatform.billing.models import Subscription
from opsplatform.billing.reconcile import reconcile_all
from opsplatform.refusals import Refused

from . import stripe_stub as s

pytestmark = pytest.mark.django_db

Status = Subscription.Status
SUCCESS, CANCEL = (
    "https://acme.localhost/admin/billing/?paid=1",
    "https://acme.localhost/admin/billing/",
)


@pytest.fixture
def stub(settings):
    with s.installed(settings) as found:
        yield found


@pytest.fixture
def plans(db):
    return s.make_plans()


@pytest.fixture
def trial(tenant_a, plans):
    """Acme in its Growth trial, never paid: no Stripe customer yet."""
    from opsplatform.billing.services import subscription_assign

    return subscription_assign(
        tenant=tenant_a, plan=plans["growth"], status=Status.TRIALING, trial_days=10
    )


@pytest.fixture
def paying(tenant_a, plans, stub):
    """Acme on Starter monthly, its subscription known to Stripe (the stub)."""
    row = s.on_stripe(tenant_a, plans["starter"])
    stub.subscriptions[row.stripe_subscription] = s.subscription(
        id=row.stripe_subscription, customer=row.stripe_customer, price=s.STARTER_MONTH
    )
    return row


# -- checkout ---------------------------------------------------------------------------


def test_checkout_creates_the_customer_and_a_subscription_session(stub, trial, plans):
    url = stripe_api.checkout_url(trial, plans["growth"], "month", SUCCESS, CANCEL)

    customer = stub.last("POST", "/v1/customers")
    assert customer.params["name"] == "Acme Corp"
    assert customer.params["metadata[tenant_id]"] == str(trial.tenant_id)
    session = stub.last("POST", "/v1/checkout/sessions").params
    trial.refresh_from_db()
    assert trial.stripe_customer.startswith("cus_")
    assert session["mode"] == "subscription"
    assert session["customer"] == trial.stripe_customer
    assert session["line_items[0][price]"] == s.GROWTH_MONTH
    assert session["line_items[0][quantity]"] == "1"
    assert session["client_reference_id"] == str(trial.tenant_id)
    assert session["metadata[tenant_id]"] == str(trial.tenant_id)
    assert session["subscription_data[metadata][tenant_id]"] == str(trial.tenant_id)
    assert session["subscription_data[trial_end]"] == str(int(trial.trial_ends_at.timestamp()))
    assert (session["success_url"], session["cancel_url"]) == (SUCCESS, CANCEL)
    assert url.startswith("https://checkout.stripe.com/c/pay/cs_test_")


def test_a_second_checkout_reuses_the_customer(stub, trial, plans):
    stripe_api.checkout_url(trial, plans["growth"], "year", SUCCESS, CANCEL)
    stripe_api.checkout_url(trial, plans["starter"], "year", SUCCESS, CANCEL)

    assert [r.path for r in stub.requests].count("/v1/customers") == 1
    assert stub.last("POST", "/v1/checkout/sessions").params["line_items[0][price]"] == (
        s.STARTER_YEAR
    )


def test_a_trial_ending_within_two_days_is_not_passed_to_checkout(stub, trial, plans):
    trial.trial_ends_at = timezone.now() + timedelta(hours=30)  # Stripe wants 48 h
    trial.save()
    stripe_api.checkout_url(trial, plans["growth"], "month", SUCCESS, CANCEL)
    assert "subscription_data[trial_end]" not in stub.last("POST", "/v1/checkout/sessions").params


def test_an_active_company_is_not_given_a_trial(stub, tenant_a, plans):
    from opsplatform.billing.services import subscription_assign

    row = subscription_assign(tenant=tenant_a, plan=plans["starter"], status=Status.ACTIVE)
    stripe_api.checkout_url(row, plans["growth"], "month", SUCCESS, CANCEL)
    assert "subscription_data[trial_end]" not in stub.last("POST", "/v1/checkout/sessions").params


def test_checkout_is_refused_without_stripe(settings, trial, plans):
    settings.STRIPE_SECRET_KEY = ""
    with pytest.raises(Refused, match="not set up here"):
        stripe_api.checkout_url(trial, plans["growth"], "month", SUCCESS, CANCEL)


def test_checkout_is_refused_for_a_plan_without_that_price(stub, trial, plans):
    with pytest.raises(Refused, match="Enterprise plan has no Stripe price for Monthly"):
        stripe_api.checkout_url(trial, plans["enterprise"], "month", SUCCESS, CANCEL)
    assert stub.requests == []


def test_checkout_is_refused_when_already_subscribed(stub, paying, plans):
    with pytest.raises(Refused, match="already has a subscription"):
        stripe_api.checkout_url(paying, plans["growth"], "month", SUCCESS, CANCEL)
    assert stub.requests == []


# -- portal -------------------------------------------------------------------------------


def test_the_portal_session_is_for_the_companys_customer(stub, paying):
    url = stripe_api.portal_url(paying, CANCEL)

    portal = stub.last("POST", "/v1/billing_portal/sessions").params
    assert portal == {"customer": paying.stripe_customer, "return_url": CANCEL}
    assert url.startswith("https://billing.stripe.com/p/session/bps_")


# -- proration preview and plan change --------------------------------------------------


def test_the_preview_asks_stripe_for_the_prorated_invoice(stub, paying, plans):
    before = int(time.time())
    stripe_api.preview_change(paying, plans["growth"], "month")

    item_id = stub.subscriptions[paying.stripe_subscription]["items"]["data"][0]["id"]
    asked = stub.last("POST", "/v1/invoices/create_preview").params
    assert asked["customer"] == paying.stripe_customer
    assert asked["subscription"] == paying.stripe_subscription
    assert asked["subscription_details[items][0][id]"] == item_id
    assert asked["subscription_details[items][0][price]"] == s.GROWTH_MONTH
    assert asked["subscription_details[proration_behavior]"] == "create_prorations"
    assert int(asked["subscription_details[proration_date]"]) >= before
    paying.refresh_from_db()
    assert paying.plan.code == "starter"  # a preview changes nothing


def test_a_tier_change_within_the_interval_is_prorated_on_the_next_invoice(stub, paying, plans):
    # Stub lines: -15.00 and +33.00 of proration, 49.00 for the next month, and a
    # pending invoice item of 10.00 whose invoice_item_details says proration.
    preview = stripe_api.preview_change(paying, plans["growth"], "month")

    assert preview.currency == "USD"
    assert preview.at_once is False
    assert preview.due_now == Decimal("0")  # nothing is charged now
    assert preview.proration == Decimal("18.00")  # the invoice item is not counted
    assert preview.next_amount == Decimal("77.00")  # Stripe's total, all four lines
    assert preview.next_date is not None
    assert [amount for _text, amount in preview.lines] == [
        Decimal("-15.00"),
        Decimal("33.00"),
        Decimal("49.00"),
        Decimal("10.00"),
    ]


def test_a_downgrade_within_the_interval_is_a_credit_on_the_next_invoice(stub, paying, plans):
    stub.preview_lines = [
        ("Unused time on Growth", -3000, "proration"),
        ("Remaining time on Starter", 1000, "proration"),
        ("1 × Starter (at $19.00 / month)", 1900, "period"),
    ]
    preview = stripe_api.preview_change(paying, plans["starter"], "month")
    assert (preview.at_once, preview.due_now) == (False, Decimal("0"))
    assert preview.proration == Decimal("-20.00")
    assert preview.next_amount == Decimal("0.00")  # a total of -1.00 goes to the balance


def test_an_interval_change_restarts_the_period_and_is_charged_at_once(stub, paying, plans):
    stub.preview_lines = s.TO_GROWTH_YEARLY
    preview = stripe_api.preview_change(paying, plans["growth"], "year")

    asked = stub.last("POST", "/v1/invoices/create_preview").params
    assert asked["subscription_details[items][0][price]"] == s.GROWTH_YEAR
    assert asked["subscription_details[proration_behavior]"] == "create_prorations"
    assert preview.at_once is True
    assert preview.proration == Decimal("-9.50")
    # The preview is the invoice made now: every line of it is charged now.
    assert preview.due_now == preview.next_amount == Decimal("490.50")


def test_an_interval_change_with_more_credit_than_charge_is_credited_at_once(stub, paying, plans):
    stub.subscriptions[paying.stripe_subscription] = s.subscription(
        id=paying.stripe_subscription,
        customer=paying.stripe_customer,
        price=s.GROWTH_YEAR,
        interval="year",
    )
    stub.preview_lines = [
        ("Unused time on Growth after 2 Dec 2026", -40000, "proration"),
        ("1 × Starter (at $19.00 / month)", 1900, "period"),
    ]
    preview = stripe_api.preview_change(paying, plans["starter"], "month")
    assert preview.at_once is True
    assert preview.due_now == Decimal("-381.00")  # Stripe's total: credited to the balance
    assert preview.next_amount == Decimal("0.00")


@pytest.mark.parametrize(
    ("kind", "counted"), [("proration", True), ("period", False), ("invoice_item", False)]
)
def test_only_the_subscription_items_prorations_are_proration(kind, counted):
    line = s.invoice_line("a line", 1000, kind, subscription_id="sub_1")
    assert stripe_api._is_proration(line) is counted


def test_a_top_level_proration_flag_is_not_read():
    # The current line shape has it only under parent.subscription_item_details.
    line = s.invoice_line("a line", 1000, "period", subscription_id="sub_1")
    line["proration"] = True
    assert stripe_api._is_proration(line) is False


def test_a_preview_is_refused_before_any_subscription(stub, trial, plans):
    with pytest.raises(Refused, match="subscribe first"):
        stripe_api.preview_change(trial, plans["starter"], "month")


def test_a_plan_change_swaps_the_price_with_proration_and_applies_the_answer(stub, paying, plans):
    stripe_api.change_plan(paying, plans["growth"], "year")

    item_id = stub.subscriptions[paying.stripe_subscription]["items"]["data"][0]["id"]
    asked = stub.last("POST", f"/v1/subscriptions/{paying.stripe_subscription}").params
    assert asked == {
        "items[0][id]": item_id,
        "items[0][price]": s.GROWTH_YEAR,
        "proration_behavior": "create_prorations",
    }
    paying.refresh_from_db()
    assert (paying.plan.code, paying.interval) == ("growth", "year")
    assert paying.stripe_synced_at is None  # the webhook that follows still applies
    assert paying.history.first().history_change_reason == "plan changed to growth (year)"


def test_a_plan_change_is_refused_for_a_plan_without_the_price(stub, paying, plans):
    with pytest.raises(Refused):
        stripe_api.change_plan(paying, plans["enterprise"], "year")
    assert stub.requests == []


# -- cancel and resume -----------------------------------------------------------------------


def test_cancel_at_period_end_then_resume(stub, paying):
    path = f"/v1/subscriptions/{paying.stripe_subscription}"

    stripe_api.cancel_at_period_end(paying)
    assert stub.last("POST", path).params == {"cancel_at_period_end": "true"}
    paying.refresh_from_db()
    assert paying.cancel_at_period_end is True and paying.status == Status.ACTIVE

    stripe_api.resume(paying)
    assert stub.last("POST", path).params == {"cancel_at_period_end": "false"}
    paying.refresh_from_db()
    assert paying.cancel_at_period_end is False


def test_cancel_is_refused_without_stripe(settings, paying):
    settings.STRIPE_SECRET_KEY = ""
    with pytest.raises(Refused):
        stripe_api.cancel_at_period_end(paying)


# -- reconcile ---------------------------------------------------------------------------------


def test_the_reconcile_brings_each_subscription_in_step(stub, paying, tenant_b, plans):
    stub.subscriptions[paying.stripe_subscription]["status"] = "past_due"  # a missed event
    lost = s.on_stripe(tenant_b, plans["starter"], subscription_id="sub_unknown_at_stripe")

    report = reconcile_all()

    assert report == {"synced": 1, "failed": 1}
    assert stub.last("GET", f"/v1/subscriptions/{paying.stripe_subscription}")
    paying.refresh_from_db()
    assert paying.status == Status.PAST_DUE and paying.grace_until is not None
    lost.refresh_from_db()
    assert lost.status == Status.ACTIVE


def test_the_reconcile_does_nothing_without_stripe(settings, paying, stub):
    settings.STRIPE_SECRET_KEY = ""
    assert reconcile_all() == {"synced": 0, "failed": 0}
    assert stub.requests == []


# -- money ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("minor", "currency", "major"),
    [
        (4900, "usd", "49.00"),
        (5000, "jpy", "5000"),
        (12345, "kwd", "12.345"),
        (-150, "EUR", "-1.50"),
    ],
)
def test_minor_units_become_decimals(minor, currency, major):
    assert stripe_api.amount(minor, currency) == Decimal(major)


# -- Stripe's own refusals and outages ------------------------------------------------------


def test_a_refusal_by_stripe_reaches_the_owner_as_a_message(stub, paying, plans):
    del stub.subscriptions[paying.stripe_subscription]  # Stripe no longer knows it
    with pytest.raises(Refused, match="Stripe refused this: No such subscription"):
        stripe_api.change_plan(paying, plans["growth"], "month")
    paying.refresh_from_db()
    assert paying.plan.code == "starter"


def test_stripe_out_of_reach_is_a_message_too(stub, paying, plans, monkeypatch):
    import stripe

    def unreachable(*args, **kwargs):
        raise stripe.APIConnectionError("connection refused")

    monkeypatch.setattr(stub, "request", unreachable)
    with pytest.raises(Refused, match="cannot be reached right now; nothing was changed"):
        stripe_api.cancel_at_period_end(paying)
    paying.refresh_from_db()
    assert paying.cancel_at_period_end is False
