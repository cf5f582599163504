"""What the kernel costs every page: the session, the user, the membership with
its roles (once per request), the company switcher, and the company's plan
(its subscription with the plan joined, once per request: the sidebar, the
gate and the limits all read it, docs/billing.md); the bell's and the
sidebar's counts come from the cache (opsplatform.counts)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tenants.roles import RoleCode

pytestmark = pytest.mark.django_db

# The notification settings page reads one table of its own; everything else is the kernel's.
PAGE_OWN_TABLE = "notifications_notificationpreference"


def page_queries(client, path) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return [
        query["sql"]
        for query in captured.captured_queries
        # The tests' own transaction makes the request's atomic block a savepoint.
        if not query["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))
    ]


@pytest.fixture
def manager_client(tenant_a, tenant_b, make_member, client_for):
    # A manager (the inbox badge shows) who also works for a second company (the switcher shows).
    user = make_member(tenant_a, "mia@acme.test", roles=[RoleCode.MANAGER, RoleCode.HR])
    make_member(tenant_b, user.email, user=user)
    client = client_for(tenant_a, user)
    client.get(reverse("admin:index"))  # counts into the cache
    return client


def test_the_kernel_adds_at_most_six_queries_to_a_page(manager_client):
    queries = page_queries(manager_client, reverse("admin:notifications_settings"))
    kernel = [sql for sql in queries if PAGE_OWN_TABLE not in sql]
    assert len(kernel) <= 6, "\n".join(kernel)
    assert sum("billing_subscription" in sql for sql in kernel) == 1, "\n".join(kernel)


def test_the_membership_and_its_roles_are_read_once_per_page(manager_client):
    for name in (
        "admin:index",
        "admin:employees_employee_changelist",
        "admin:notifications_settings",
    ):
        queries = page_queries(manager_client, reverse(name))
        assert sum('"tenants_rolegrant"' in sql for sql in queries) == 1, name


def test_the_counts_ask_the_database_nothing_while_cached(manager_client):
    queries = page_queries(manager_client, reverse("admin:notifications_settings"))
    assert not [sql for sql in queries if 'notifications_notification"' in sql]
    assert not [sql for sql in queries if "approvals_requeststep" in sql]
