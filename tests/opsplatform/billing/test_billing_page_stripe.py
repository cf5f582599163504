"""The billing page's Stripe moves, with the adapter (opsplatform.billing.stripe_api)
replaced by a recorder: checkout, portal, the change's preview and confirmation,
cancel at period end and resume, and a refusal that changes nothing."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from opsplatform.billing import stripe_api
from opsplatform.billing.models import Plan, Subscription
from opsplatform.billing.services import subscription_assign
from opsplatform.refusals import Refused
from tenants.roles import RoleCode

pytestmark = pytest.mark.django_db


class Recorder:
    """Stands in for the adapter: records each call, answers like Stripe would."""

    def __init__(self):
        self.calls: list[tuple] = []
        self.refuse: str | None = None

    def _call(self, name, *args):
        self.calls.append((name, *args))
        if self.refuse:
            raise Refused(self.refuse)

    def checkout_url(self, subscription, plan, interval, success_url, cancel_url):
        self._call("checkout", plan.code, interval, success_url, cancel_url)
        return "https://checkout.stripe.com/c/pay/cs_test_1"

    def portal_url(self, subscription, return_url):
        self._call("portal", return_url)
        return "https://billing.stripe.com/p/session/test_1"

    def preview_change(self, subscription, plan, interval):
        self._call("preview", plan.code, interval)
        if interval != subscription.interval:  # a new interval: invoiced at once
            return stripe_api.ChangePreview(
                currency="usd",
                due_now=Decimal("1457.33"),
                next_amount=Decimal("1457.33"),
                lines=[
                    ("Unused time on Starter", Decimal("-32.67")),
                    ("Growth", Decimal("1490.00")),
                ],
                proration=Decimal("-32.67"),
                at_once=True,
            )
        return stripe_api.ChangePreview(
            currency="usd",
            due_now=Decimal("0"),
            next_amount=Decimal("149.00"),
            next_date=timezone.now() + timedelta(days=30),
            lines=[("Unused time on Starter", Decimal("-32.67")), ("Growth", Decimal("120.00"))],
            proration=Decimal("87.33"),
        )

    def change_plan(self, subscription, plan, interval):
        self._call("change", plan.code, interval)

    def cancel_at_period_end(self, subscription):
        self._call("cancel")

    def resume(self, subscription):
        self._call("resume")

    def named(self, name):
        return [call for call in self.calls if call[0] == name]


@pytest.fixture
def stripe(monkeypatch, settings):
    settings.STRIPE_SECRET_KEY = "sk_test_pages"
    recorder = Recorder()
    for name in (
        "checkout_url",
        "portal_url",
        "preview_change",
        "change_plan",
        "cancel_at_period_end",
        "resume",
    ):
        monkeypatch.setattr(stripe_api, name, getattr(recorder, name))
    return recorder


@pytest.fixture
def plans(db):
    call_command("load_plans", stdout=None)
    return {plan.code: plan for plan in Plan.objects.all()}


@pytest.fixture
def trial_a(tenant_a, plans):
    """A sign-up's trial, without a card: no Stripe subscription yet."""
    return subscription_assign(
        tenant=tenant_a, plan=plans["growth"], status=Subscription.Status.TRIALING
    )


@pytest.fixture
def paid_a(tenant_a, plans):
    subscription = subscription_assign(tenant=tenant_a, plan=plans["starter"])
    Subscription.objects.filter(pk=subscription.pk).update(
        stripe_customer="cus_acme",
        stripe_subscription="sub_acme",
        current_period_end=timezone.now() + timedelta(days=12),
    )
    subscription.refresh_from_db()
    return subscription


@pytest.fixture
def finance_a(tenant_a, make_member):
    return make_member(tenant_a, "finance@acme.test", roles=[RoleCode.FINANCE])


def test_a_trial_offers_subscribing_and_checkout_redirects_to_stripe(
    stripe, trial_a, owner_a, client_for
):
    client = client_for(trial_a.tenant, owner_a)
    html = client.get(reverse("admin:billing")).content.decode()
    assert 'data-testid="subscribe-growth-year"' in html
    assert "Plans are assigned by platform staff" not in html

    response = client.post(
        reverse("admin:billing_checkout"), {"plan": "growth", "interval": "year"}
    )
    assert response.status_code == 302
    assert response["Location"] == "https://checkout.stripe.com/c/pay/cs_test_1"
    ((_name, plan, interval, success, cancel),) = stripe.named("checkout")
    assert (plan, interval) == ("growth", "year")
    assert success.startswith("http://acme.localhost") and "/admin/billing/" in success


def test_checkout_is_a_post_and_a_get_does_nothing(stripe, trial_a, owner_a, client_for):
    response = client_for(trial_a.tenant, owner_a).get(
        reverse("admin:billing_checkout"), {"plan": "growth", "interval": "year"}
    )
    assert response.status_code == 405
    assert stripe.calls == []


def test_checkout_of_a_plan_not_offered_is_refused(stripe, trial_a, owner_a, client_for):
    Plan.objects.create(code="secret", name="Secret", is_public=False)
    response = client_for(trial_a.tenant, owner_a).post(
        reverse("admin:billing_checkout"), {"plan": "secret", "interval": "month"}, follow=True
    )
    assert "Choose one of the plans on offer" in response.content.decode()
    assert stripe.calls == []


def test_the_portal_redirects_to_stripe_for_owner_and_finance(
    stripe, paid_a, owner_a, finance_a, client_for
):
    for user in (owner_a, finance_a):
        response = client_for(paid_a.tenant, user).post(reverse("admin:billing_portal"))
        assert response.status_code == 302
        assert response["Location"] == "https://billing.stripe.com/p/session/test_1"
    assert len(stripe.named("portal")) == 2


def test_finance_cannot_change_the_plan(stripe, paid_a, finance_a, client_for):
    client = client_for(paid_a.tenant, finance_a)
    html = client.get(reverse("admin:billing")).content.decode()
    assert 'data-testid="change-growth-month"' not in html
    response = client.post(reverse("admin:billing_change"), {"plan": "growth", "interval": "month"})
    assert response.status_code == 403
    assert stripe.calls == []


def test_the_change_preview_shows_stripes_figures_and_changes_nothing(
    stripe, paid_a, owner_a, client_for
):
    client = client_for(paid_a.tenant, owner_a)
    html = client.get(reverse("admin:billing")).content.decode()
    assert 'data-testid="change-growth-month"' in html
    response = client.get(reverse("admin:billing_change"), {"plan": "growth", "interval": "month"})
    assert response.status_code == 200
    html = response.content.decode()
    # Within the month the proration waits for the next invoice: nothing is charged now.
    assert "Added to your next invoice" in html and "87.33 USD" in html
    assert "Charged now" not in html
    assert "149.00 USD" in html
    assert "Unused time on Starter" in html
    assert stripe.named("preview") == [("preview", "growth", "month")]
    assert stripe.named("change") == []


def test_an_interval_change_previews_what_is_charged_now(stripe, paid_a, owner_a, client_for):
    response = client_for(paid_a.tenant, owner_a).get(
        reverse("admin:billing_change"), {"plan": "growth", "interval": "year"}
    )
    html = response.content.decode()
    assert 'data-testid="due-now">1457.33 USD<' in html
    assert "Charged now" in html
    assert "next invoice" not in html.lower()


def test_confirming_the_change_calls_stripe_once(stripe, paid_a, owner_a, client_for):
    response = client_for(paid_a.tenant, owner_a).post(
        reverse("admin:billing_change"), {"plan": "growth", "interval": "year"}, follow=True
    )
    assert stripe.named("change") == [("change", "growth", "year")]
    assert "moving to Growth" in response.content.decode()


def test_a_refusal_from_stripe_is_shown_and_nothing_changes(stripe, paid_a, owner_a, client_for):
    stripe.refuse = "Your card was declined."
    response = client_for(paid_a.tenant, owner_a).post(
        reverse("admin:billing_change"), {"plan": "growth", "interval": "year"}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("admin:billing")
    assert "Your card was declined." in response.content.decode()
    paid_a.refresh_from_db()
    assert (paid_a.plan.code, paid_a.interval) == ("starter", "month")


def test_a_refused_preview_goes_back_with_the_message(stripe, paid_a, owner_a, client_for):
    stripe.refuse = "This price is archived."
    response = client_for(paid_a.tenant, owner_a).get(
        reverse("admin:billing_change"), {"plan": "growth", "interval": "year"}, follow=True
    )
    assert "This price is archived." in response.content.decode()


def test_the_same_plan_and_interval_is_not_a_change(stripe, paid_a, owner_a, client_for):
    response = client_for(paid_a.tenant, owner_a).post(
        reverse("admin:billing_change"), {"plan": "starter", "interval": "month"}, follow=True
    )
    assert "already on this plan" in response.content.decode()
    assert stripe.calls == []


def test_cancel_asks_first_then_cancels_at_period_end(stripe, paid_a, owner_a, client_for):
    client = client_for(paid_a.tenant, owner_a)
    question = client.get(reverse("admin:billing_cancel"))
    assert question.status_code == 200
    assert "stays on until" in question.content.decode()
    assert stripe.calls == []

    response = client.post(reverse("admin:billing_cancel"), follow=True)
    assert stripe.named("cancel") == [("cancel",)]
    assert "ends at the end of this period" in response.content.decode()


def test_a_cancelling_subscription_offers_resume_which_is_a_post(
    stripe, paid_a, owner_a, client_for
):
    Subscription.objects.filter(pk=paid_a.pk).update(cancel_at_period_end=True)
    client = client_for(paid_a.tenant, owner_a)
    html = client.get(reverse("admin:billing")).content.decode()
    assert reverse("admin:billing_resume") in html
    assert reverse("admin:billing_cancel") not in html
    assert client.get(reverse("admin:billing_resume")).status_code == 405
    response = client.post(reverse("admin:billing_resume"), follow=True)
    assert stripe.named("resume") == [("resume",)]
    assert "Your subscription continues" in response.content.decode()


def test_change_and_cancel_need_a_paid_subscription(stripe, trial_a, owner_a, client_for):
    client = client_for(trial_a.tenant, owner_a)
    response = client.post(reverse("admin:billing_cancel"), follow=True)
    assert "no paid subscription yet" in response.content.decode()
    assert stripe.calls == []
