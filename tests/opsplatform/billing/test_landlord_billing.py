"""Platform staff's billing screens: the overview's figures against hand-computed
ones (and its query count, whatever the number of rows), the plan and
subscription admins, and extending a grace period."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse as reverse_any
from django.utils import timezone

from opsplatform.billing.models import Plan, Subscription, WebhookEvent
from opsplatform.billing.services import subscription_assign

pytestmark = pytest.mark.django_db


def reverse(name, *args, **kwargs):
    return reverse_any(name, *args, urlconf="opsplatform.urls.landlord", **kwargs)


@pytest.fixture
def plans(db):
    call_command("load_plans", stdout=None)
    return {plan.code: plan for plan in Plan.objects.all()}


@pytest.fixture
def staff(platform_admin, client_for):
    return client_for(None, platform_admin)


def put(make_tenant, slug, plan, status=Subscription.Status.ACTIVE, interval="month", **fields):
    subscription = subscription_assign(
        tenant=make_tenant(slug), plan=plan, status=status, interval=interval
    )
    if fields:
        Subscription.objects.filter(pk=subscription.pk).update(**fields)
        subscription.refresh_from_db()
    return subscription


def event(stripe_id, status, **fields):
    return WebhookEvent.objects.create(
        stripe_id=stripe_id,
        type="invoice.payment_failed",
        payload={},
        created=timezone.now(),
        status=status,
        **fields,
    )


@pytest.fixture
def book(make_tenant, plans):
    """Six companies. MRR by hand: Starter monthly 49.00 + Growth yearly 1490.00 / 12
    (124.1666…) = 173.17 USD; past due, trialing and cancelled bring nothing."""
    now = timezone.now()
    return {
        "monthly": put(make_tenant, "alpha", plans["starter"]),
        "yearly": put(make_tenant, "bravo", plans["growth"], interval="year"),
        "late": put(
            make_tenant,
            "charlie",
            plans["enterprise"],
            status=Subscription.Status.PAST_DUE,
            grace_until=now + timedelta(days=4),
        ),
        "trial_soon": put(
            make_tenant,
            "delta",
            plans["growth"],
            status=Subscription.Status.TRIALING,
            trial_ends_at=now + timedelta(days=2),
        ),
        "trial_later": put(
            make_tenant,
            "echo",
            plans["growth"],
            status=Subscription.Status.TRIALING,
            trial_ends_at=now + timedelta(days=10),
        ),
        "gone": put(make_tenant, "foxtrot", plans["starter"], status=Subscription.Status.CANCELLED),
        "failed": [
            event("evt_failed_1", WebhookEvent.Status.FAILED, error="No such customer"),
            event("evt_failed_2", WebhookEvent.Status.FAILED, error="Timeout"),
            event("evt_ok", WebhookEvent.Status.PROCESSED),
        ],
    }


def text_of(html: str, testid: str) -> str:
    start = html.index(f'data-testid="{testid}"')
    chunk = html[start : start + 5000].split(">", 1)[1]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", chunk))


def test_the_overview_figures(book, staff, make_tenant):
    make_tenant("nobody")  # a company with no subscription row
    response = staff.get(reverse("admin:billing_overview"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "173.17 USD" in text_of(html, "mrr-USD")
    assert text_of(html, "trials-count").strip().startswith("1")
    assert text_of(html, "past-due-count").strip().startswith("1")
    assert text_of(html, "failed-count").strip().startswith("2")

    rows = response.context["plan_table"]
    # Plan, Trialing, Active, Past due, Cancelled, Incomplete, Total
    assert ["Starter", 0, 1, 0, 1, 0, 2] in rows
    assert ["Growth", 2, 1, 0, 0, 0, 3] in rows
    assert ["Enterprise", 0, 0, 1, 0, 0, 1] in rows
    assert "1 company has no subscription row" in html

    trials = text_of(html, "trials")
    assert "Delta" in trials and "Echo" not in trials
    past_due = text_of(html, "past-due")
    assert "Charlie" in past_due
    grace = timezone.localtime(book["late"].grace_until)
    assert str(grace.day) in past_due
    failed = text_of(html, "failed-events")
    assert "evt_failed_1" in failed and "No such customer" in failed
    assert "evt_ok" not in html


def test_the_overview_needs_platform_staff(book, client_for, tenant_a, owner_a):
    response = client_for(tenant_a, owner_a).get("/admin/billing/subscription/overview/")
    assert response.status_code == 404  # the landlord's pages do not exist on a company host


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("admin:billing_overview")).status_code == 200
    return len(queries)


def test_the_overview_costs_the_same_queries_however_many_rows(book, staff, make_tenant, plans):
    before = _queries(staff)
    now = timezone.now()
    for index in range(4):
        put(make_tenant, f"more{index}", plans["growth"], interval="year")
        put(
            make_tenant,
            f"late{index}",
            plans["starter"],
            status=Subscription.Status.PAST_DUE,
            grace_until=now - timedelta(days=1),
        )
        put(
            make_tenant,
            f"trial{index}",
            plans["growth"],
            status=Subscription.Status.TRIALING,
            trial_ends_at=now + timedelta(days=1),
        )
        event(f"evt_more_{index}", WebhookEvent.Status.FAILED, tenant=make_tenant(f"ev{index}"))
    assert _queries(staff) == before


def test_the_plan_list_shows_prices_features_and_limits(plans, staff):
    html = staff.get(reverse("admin:billing_plan_changelist")).content.decode()
    assert "49.00 USD" in html and "4990.00 USD" in html
    assert "Employees: 25" in html
    assert "Members and open invitations: ∞" in html


def test_staff_edit_a_plans_features_and_limits(plans, staff):
    starter = plans["starter"]
    url = reverse("admin:billing_plan_change", args=[starter.pk])
    form = staff.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data.update(
        {
            "features": ["employees", "leave", "approvals", "projects"],
            "limit_employees_employees": "30",
            "limit_tenants_members": "",
        }
    )
    response = staff.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    starter.refresh_from_db()
    assert "projects" in starter.features
    assert starter.cap("employees.employees") == 30
    assert starter.cap("tenants.members") is None
    assert starter.limits["files.storage_mb"] == 1024  # a code no module declares is kept


def test_subscriptions_are_filtered_by_status_and_found_by_company(book, staff):
    url = reverse("admin:billing_subscription_changelist")
    html = staff.get(url, {"status__exact": "past_due"}).content.decode()
    assert "Charlie" in html and "Alpha" not in html
    html = staff.get(url, {"q": "bravo"}).content.decode()
    assert "Bravo" in html and "Alpha" not in html


def test_staff_assign_a_plan_by_hand(plans, staff, make_tenant):
    tenant = make_tenant("golf")
    response = staff.post(
        reverse("admin:billing_subscription_add"),
        {"tenant": tenant.pk, "plan": plans["growth"].pk, "interval": "month", "status": "active"},
    )
    assert response.status_code == 302
    assert Subscription.objects.get(tenant=tenant).plan.code == "growth"


def test_staff_move_a_company_to_another_plan(book, plans, staff):
    subscription = book["monthly"]
    response = staff.post(
        reverse("admin:billing_subscription_change", args=[subscription.pk]),
        {"plan": plans["enterprise"].pk, "interval": "year", "status": "active"},
    )
    assert response.status_code == 302
    subscription.refresh_from_db()
    assert (subscription.plan.code, subscription.interval) == ("enterprise", "year")


def test_extend_grace_asks_for_days_then_extends_and_leaves_history(book, staff, platform_admin):
    subscription = book["late"]
    before = subscription.grace_until
    url = reverse("admin:billing_subscription_extend_grace_detail", args=[subscription.pk])
    assert staff.get(url).status_code == 200
    subscription.refresh_from_db()
    assert subscription.grace_until == before  # a GET changes nothing

    response = staff.post(url, {"days": "5"}, follow=True)
    assert "Charlie keeps writing until" in response.content.decode()
    subscription.refresh_from_db()
    assert subscription.grace_until == before + timedelta(days=5)
    last = subscription.history.all_tenants().order_by("-history_id").first()
    assert last.history_change_reason == "Grace period extended by 5 days"
    assert last.history_user == platform_admin


def test_extending_an_expired_grace_counts_from_now(book, staff):
    subscription = book["late"]
    Subscription.objects.filter(pk=subscription.pk).update(
        grace_until=timezone.now() - timedelta(days=3)
    )
    url = reverse("admin:billing_subscription_extend_grace_detail", args=[subscription.pk])
    staff.post(url, {"days": "2"})
    subscription.refresh_from_db()
    assert not subscription.is_read_only()
    left = subscription.grace_until - timezone.now()
    assert timedelta(days=1, hours=23) < left <= timedelta(days=2)


def test_bad_days_and_a_company_not_past_due_change_nothing(book, staff):
    late = book["late"]
    url = reverse("admin:billing_subscription_extend_grace_detail", args=[late.pk])
    response = staff.post(url, {"days": "0"})
    assert response.status_code == 200
    assert "greater than or equal to 1" in response.content.decode()
    before = late.grace_until
    late.refresh_from_db()
    assert late.grace_until == before

    active = book["monthly"]
    url = reverse("admin:billing_subscription_extend_grace_detail", args=[active.pk])
    response = staff.post(url, {"days": "5"}, follow=True)
    assert "is not past due" in response.content.decode()
    active.refresh_from_db()
    assert active.grace_until is None
