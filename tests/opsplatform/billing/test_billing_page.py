"""The owner's billing page (admin:billing): who sees it, what it shows, and what
it shows without Stripe keys. The Stripe moves are in test_billing_page_stripe.py."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from opsplatform.billing.models import Invoice, Plan, Subscription
from opsplatform.billing.services import subscription_assign
from tenants.roles import RoleCode

pytestmark = pytest.mark.django_db


@pytest.fixture
def plans(db):
    call_command("load_plans", stdout=None)
    return {plan.code: plan for plan in Plan.objects.all()}


@pytest.fixture
def starter_a(tenant_a, plans):
    return subscription_assign(tenant=tenant_a, plan=plans["starter"])


@pytest.fixture
def people_a(tenant_a, owner_a, make_member):
    """Acme's owner, finance, HR and an employee: four active members."""
    return {
        "owner": owner_a,
        "finance": make_member(tenant_a, "finance@acme.test", roles=[RoleCode.FINANCE]),
        "hr": make_member(tenant_a, "hr@acme.test", roles=[RoleCode.HR]),
        "employee": make_member(tenant_a, "staff@acme.test", roles=[RoleCode.EMPLOYEE]),
    }


def page(client):
    response = client.get(reverse("admin:billing"))
    assert response.status_code == 200
    return response.content.decode()


def section(html: str, testid: str) -> str:
    """The text of the element marked ``data-testid`` (tags dropped, spaces folded)."""
    import re

    start = html.index(f'data-testid="{testid}"')
    chunk = html[start : start + 6000]
    text = re.sub(r"<[^>]+>", " ", chunk.split(">", 1)[1])
    return re.sub(r"\s+", " ", text)


@pytest.mark.parametrize("role", ["owner", "finance"])
def test_owners_and_finance_see_the_billing_page(role, starter_a, people_a, client_for):
    html = page(client_for(starter_a.tenant, people_a[role]))
    assert "Starter" in section(html, "plan-name")
    assert "Active" in section(html, "plan")


@pytest.mark.parametrize("role", ["hr", "employee"])
def test_other_members_are_refused_the_billing_page(role, starter_a, people_a, client_for):
    response = client_for(starter_a.tenant, people_a[role]).get(reverse("admin:billing"))
    assert response.status_code == 403


def test_someone_signed_out_is_sent_to_sign_in(starter_a, client_for):
    response = client_for(starter_a.tenant).get(reverse("admin:billing"))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_the_sidebar_shows_billing_to_the_owner_only(starter_a, people_a, client_for):
    url = reverse("admin:billing")
    assert url in client_for(starter_a.tenant, people_a["owner"]).get("/admin/").content.decode()
    assert url not in client_for(starter_a.tenant, people_a["hr"]).get("/admin/").content.decode()


def test_usage_meters_count_against_the_plan_caps(starter_a, people_a, client_for):
    html = page(client_for(starter_a.tenant, people_a["owner"]))
    assert "Members and open invitations 4 of 10" in section(html, "meter-tenants.members")
    assert 'style="width: 40%"' in html.split('data-testid="meter-tenants.members"')[1][:2000]
    assert "Employees 0 of 25" in section(html, "meter-employees.employees")
    # Starter has no projects: its limit reads as not in the plan, not "0 of 0".
    assert "Not in your plan" in section(html, "meter-projects.active")


def test_an_unlimited_plan_says_so(tenant_a, plans, people_a, client_for):
    subscription_assign(tenant=tenant_a, plan=plans["enterprise"])
    html = page(client_for(tenant_a, people_a["owner"]))
    assert "Members and open invitations 4, unlimited" in section(html, "meter-tenants.members")


def test_a_meter_at_its_cap_says_the_limit_is_reached(tenant_a, plans, people_a, client_for):
    tight = Plan.objects.create(code="tight", name="Tight", tier=1, limits={"tenants.members": 4})
    subscription_assign(tenant=tenant_a, plan=tight)
    meter = section(page(client_for(tenant_a, people_a["owner"])), "meter-tenants.members")
    assert "4 of 4" in meter
    assert "Limit reached" in meter


def test_features_included_and_the_higher_tier_that_adds_the_others(
    starter_a, people_a, client_for
):
    html = page(client_for(starter_a.tenant, people_a["owner"]))
    assert "Included" in section(html, "feature-leave")
    projects = section(html, "feature-projects")
    assert "In Growth" in projects and "Included" not in projects


def test_the_page_shows_a_trial_and_its_end(tenant_a, plans, people_a, client_for):
    subscription = subscription_assign(
        tenant=tenant_a, plan=plans["growth"], status=Subscription.Status.TRIALING, trial_days=3
    )
    html = page(client_for(tenant_a, people_a["owner"]))
    assert "Trialing" in section(html, "plan")
    ends = timezone.localtime(subscription.trial_ends_at)
    assert "Trial ends" in section(html, "plan")
    assert ends.strftime("%b") in section(html, "period-date")
    assert str(ends.day) in section(html, "period-date")


def test_past_due_says_until_when_the_company_keeps_working(starter_a, people_a, client_for):
    Subscription.objects.filter(pk=starter_a.pk).update(
        status=Subscription.Status.PAST_DUE, grace_until=timezone.now() + timedelta(days=5)
    )
    html = page(client_for(starter_a.tenant, people_a["owner"]))
    assert "Past due" in section(html, "plan")
    assert "works as usual until" in section(html, "past-due")


def test_renewal_and_next_amount(starter_a, people_a, client_for):
    Subscription.objects.filter(pk=starter_a.pk).update(
        current_period_end=timezone.now() + timedelta(days=20), next_amount=Decimal("49.00")
    )
    plan = section(page(client_for(starter_a.tenant, people_a["owner"])), "plan")
    assert "Renews" in plan
    assert "Next amount 49.00 USD" in plan


def test_invoices_are_the_companys_own_with_their_pdf_links(
    starter_a, tenant_b, people_a, client_for
):
    Invoice.objects.create(
        tenant=starter_a.tenant,
        stripe_id="in_acme_1",
        number="ACME-0001",
        status="paid",
        amount_due=Decimal("49.00"),
        pdf_url="https://pay.stripe.com/invoice/acme/pdf",
        hosted_url="https://invoice.stripe.com/i/acme",
    )
    Invoice.objects.create(
        tenant=starter_a.tenant,
        stripe_id="in_acme_2",
        number="ACME-0002",
        pdf_url="javascript:alert(1)",
    )
    Invoice.objects.create(
        tenant=tenant_b,
        stripe_id="in_globex_1",
        number="GLOBEX-0001",
        pdf_url="https://pay.stripe.com/invoice/globex/pdf",
    )
    html = page(client_for(starter_a.tenant, people_a["finance"]))
    invoices = section(html, "invoices")
    assert "ACME-0001" in invoices and "ACME-0002" in invoices
    assert 'href="https://pay.stripe.com/invoice/acme/pdf"' in html
    assert "GLOBEX" not in html and "globex/pdf" not in html
    assert "javascript:" not in html


def test_without_stripe_keys_the_page_says_staff_assign_plans_and_has_no_stripe_buttons(
    starter_a, people_a, client_for, settings
):
    settings.STRIPE_SECRET_KEY = ""
    html = page(client_for(starter_a.tenant, people_a["owner"]))
    assert "Plans are assigned by platform staff" in html
    assert 'data-testid="stripe-actions"' not in html
    assert reverse("admin:billing_checkout") not in html
    assert reverse("admin:billing_portal") not in html


def test_without_stripe_keys_a_post_changes_nothing_and_says_why(
    starter_a, people_a, client_for, settings, monkeypatch
):
    from opsplatform.billing import stripe_api

    settings.STRIPE_SECRET_KEY = ""
    monkeypatch.setattr(stripe_api, "checkout_url", lambda *a, **k: pytest.fail("called Stripe"))
    client = client_for(starter_a.tenant, people_a["owner"])
    response = client.post(
        reverse("admin:billing_checkout"), {"plan": "growth", "interval": "month"}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("admin:billing")
    assert "Plans are assigned by platform staff" in response.content.decode()
    starter_a.refresh_from_db()
    assert starter_a.plan.code == "starter"


def test_a_locked_modules_meter_draws_no_bar(starter_a, people_a, client_for):
    html = page(client_for(starter_a.tenant, people_a["owner"]))
    meter = html.split('data-testid="meter-projects.active"')[1].split('data-testid="meter-')[0]
    assert "billing-meter-full" not in meter
    assert 'style="width: 100%"' not in meter


def test_the_plans_table_lists_each_plans_features(starter_a, people_a, client_for):
    html = page(client_for(starter_a.tenant, people_a["owner"]))
    starter = html.split('data-testid="plan-starter"')[1].split('data-testid="plan-growth"')[0]
    assert "<td>Employees, Approvals, Leave</td>" in starter
    growth = html.split('data-testid="plan-growth"')[1].split("</tr>")[0]
    assert "Projects" in growth
