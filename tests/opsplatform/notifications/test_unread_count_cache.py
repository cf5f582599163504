"""The bell's unread count is cached per company and person: it follows every
new notice and read mark at once, never shows another person's or company's
count, and is worked out from the database when the cache is down."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse

from opsplatform.notifications import services
from opsplatform.tenancy import tenant_context
from tests.opsplatform.notifications.conftest import PING

pytestmark = pytest.mark.django_db

BROKEN = {
    **settings.CACHES,
    "default": {
        "BACKEND": "tests.broken_cache.BrokenCache",
        "KEY_FUNCTION": "opsplatform.tenancy.cache.make_key",
    },
}


def bell_count(client) -> int:
    page = client.get(reverse("admin:index")).content.decode().replace("\n", "")
    found = re.search(r"data-notification-count[^>]*>(\d+)</span>", page)
    assert found, "no bell on the page"
    return int(found.group(1))


def ping(tenant, *people):
    with tenant_context(tenant):
        return services.notify(recipients=people, type=PING, context={"who": "Carol", "what": "x"})


@pytest.fixture
def alice(tenant_a, make_member):
    return make_member(tenant_a, "alice@acme.test")


@pytest.fixture
def bob(tenant_a, make_member):
    return make_member(tenant_a, "bob@acme.test")


def test_the_count_follows_a_new_notice_at_once(tenant_a, alice, client_for):
    client = client_for(tenant_a, alice)
    assert bell_count(client) == 0  # now in the cache
    ping(tenant_a, alice)
    assert bell_count(client) == 1
    ping(tenant_a, alice)
    assert bell_count(client) == 2


def test_the_count_follows_read_marks(tenant_a, alice, client_for):
    first, _second = ping(tenant_a, alice)[0], ping(tenant_a, alice)[0]
    client = client_for(tenant_a, alice)
    assert bell_count(client) == 2
    client.post(reverse("admin:notifications_notification_read", args=[first.pk]))
    assert bell_count(client) == 1
    client.post(reverse("admin:notifications_notification_read_all"))
    assert bell_count(client) == 0


def test_a_notice_for_someone_else_leaves_my_count_alone(tenant_a, alice, bob, client_for):
    alice_client, bob_client = client_for(tenant_a, alice), client_for(tenant_a, bob)
    ping(tenant_a, alice)
    assert (bell_count(alice_client), bell_count(bob_client)) == (1, 0)
    ping(tenant_a, bob)
    ping(tenant_a, bob)
    assert (bell_count(alice_client), bell_count(bob_client)) == (1, 2)


def test_the_same_person_has_a_count_per_company(
    tenant_a, tenant_b, alice, make_member, client_for
):
    make_member(tenant_b, alice.email, user=alice)
    in_acme, in_globex = client_for(tenant_a, alice), client_for(tenant_b, alice)
    assert (bell_count(in_acme), bell_count(in_globex)) == (0, 0)
    ping(tenant_b, alice)
    assert (bell_count(in_acme), bell_count(in_globex)) == (0, 1)
    ping(tenant_a, alice)
    ping(tenant_a, alice)
    assert (bell_count(in_acme), bell_count(in_globex)) == (2, 1)


def test_with_the_cache_down_the_count_comes_from_the_database(tenant_a, alice, client_for):
    client = client_for(tenant_a, alice)
    with override_settings(CACHES=BROKEN):
        assert bell_count(client) == 0
        ping(tenant_a, alice)
        assert bell_count(client) == 1
