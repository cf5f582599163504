"""Read-only mode (issue 13) with a frozen clock, over every admin registered on
the workspace site: inside the grace period writes go through; after it no POST
to any of their addresses (add, change, delete, bulk actions, the pages they
mount) changes a row, while lists show with the banner and exports still work;
paying restores writing at once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from freezegun import freeze_time

from opsplatform.admin import tenant_site
from opsplatform.billing.models import Invoice, Subscription
from opsplatform.billing.read_only import ALLOWED
from opsplatform.tenancy import tenant_context
from tests.opsplatform.billing.gating_walk import admin_addresses, plan_lacking, put_on
from tests.opsplatform.crawler import make_rows

pytestmark = pytest.mark.django_db

READ_ONLY_PAGE = 'data-testid="read-only"'


def snapshot(tenant) -> dict:
    """Every row of every registered model, as values (what a write would change)."""
    with tenant_context(tenant):
        return {
            model._meta.label: list(model._default_manager.order_by("pk").values())
            for model in tenant_site._registry
        }


def delete_page(model, row) -> str:
    return next(
        url
        for name, url in admin_addresses(model, tenant_site._registry[model], row.pk)
        if name.endswith("_delete")
    )


@pytest.fixture
def past_due(tenant_a):
    """Acme past due since yesterday, its grace period ending in three days."""
    start = timezone.now()
    _low, plan = plan_lacking("nothing-at-all")
    put_on(tenant_a, plan, status=Subscription.Status.PAST_DUE)
    Subscription.objects.filter(tenant=tenant_a).update(grace_until=start + timedelta(days=3))
    Invoice.objects.create(
        tenant=tenant_a, stripe_id="in_unpaid", status="open", created_at=start - timedelta(days=1)
    )
    return start


def test_inside_the_grace_period_writes_go_through(tenant_a, owner_a, client_for, past_due):
    rows = make_rows(tenant_site, tenant_a)
    with freeze_time(past_due + timedelta(days=1)):
        client = client_for(tenant_a, owner_a)
        deleted = 0
        for model, row in rows.items():
            response = client.post(delete_page(model, row), {"post": "yes"})
            assert READ_ONLY_PAGE not in response.content.decode(), model._meta.label
            with tenant_context(tenant_a):
                deleted += not model._default_manager.filter(pk=row.pk).exists()
    assert deleted >= len(rows) // 2


def changelist_of(model) -> str:
    return f"/admin/{model._meta.app_label}/{model._meta.model_name}/"


def test_after_the_grace_period_no_admin_write_changes_anything(
    tenant_a, owner_a, client_for, past_due
):
    rows = make_rows(tenant_site, tenant_a)
    with freeze_time(past_due + timedelta(days=4)):
        client = client_for(tenant_a, owner_a)
        # Every list still shows, with the banner. (First: a list may set up its
        # defaults on its first view, which is not a person's write.)
        for model in rows:
            response = client.get(changelist_of(model))
            assert response.status_code == 200, model._meta.label
            assert 'data-testid="read-only-banner"' in response.content.decode()
        before = snapshot(tenant_a)
        refused = exports = 0
        for model, row in rows.items():
            for name, url in admin_addresses(model, tenant_site._registry[model], row.pk):
                if f"admin:{name}" in ALLOWED:
                    continue  # a person's own marks (notifications read), not company data
                if name.endswith("_export"):
                    # Exports still work (import-export posts its form).
                    response = client.post(url, {"format": "0", "resource": "0"})
                    assert READ_ONLY_PAGE not in response.content.decode(), url
                    exports += bool(response.get("Content-Disposition"))
                    continue
                response = client.post(url, {"post": "yes", "name": "changed-mk"})
                assert response.status_code == 403, (url, response.status_code)
                assert READ_ONLY_PAGE in response.content.decode(), url
                refused += 1
            response = client.post(
                changelist_of(model),
                {"action": "delete_selected", "_selected_action": [row.pk], "post": "yes"},
            )
            assert response.status_code == 403, model._meta.label

    assert snapshot(tenant_a) == before
    assert refused >= 4 * len(rows)
    assert exports > 0


def test_the_refusal_says_why_since_when_and_how_to_pay(
    tenant_a, owner_a, make_member, client_for, past_due
):
    rows = make_rows(tenant_site, tenant_a)
    model, row = next(iter(rows.items()))
    plain = make_member(tenant_a, "plain@acme.test")
    with freeze_time(past_due + timedelta(days=4)):
        page = client_for(tenant_a, owner_a).post(delete_page(model, row), {"post": "yes"})
        text = page.content.decode()
        unpaid_since = (past_due - timedelta(days=1)).strftime("%Y")
        assert "unpaid since" in text and unpaid_since in text
        assert "read-only" in text
        other = client_for(tenant_a, plain).post(delete_page(model, row), {"post": "yes"})
    assert other.status_code == 403
    assert 'data-testid="read-only-ask-owner"' in other.content.decode()


def test_paying_restores_writing_at_once(tenant_a, owner_a, client_for, past_due):
    rows = make_rows(tenant_site, tenant_a)
    with freeze_time(past_due + timedelta(days=4)):
        client = client_for(tenant_a, owner_a)
        for model, row in rows.items():
            assert client.post(delete_page(model, row), {"post": "yes"}).status_code == 403
        subscription = Subscription.objects.get(tenant=tenant_a)
        put_on(tenant_a, subscription.plan, status=Subscription.Status.ACTIVE)
        for model, row in rows.items():
            response = client.post(delete_page(model, row), {"post": "yes"})
            assert READ_ONLY_PAGE not in response.content.decode()
        response = client.get("/admin/")
        assert 'data-testid="read-only-banner"' not in response.content.decode()
    with tenant_context(tenant_a):
        deleted = [m for m, r in rows.items() if not m._default_manager.filter(pk=r.pk).exists()]
    assert len(deleted) >= len(rows) // 2
