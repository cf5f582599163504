"""Two presses of "Create my workspace" at the same moment, on PostgreSQL with real
threads: the link's nonce lets one through, and the other is shown the company."""

from __future__ import annotations

import io
import re
import threading

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection, connections
from django.test import Client

from opsplatform.billing.models import Subscription
from tenants.models import Tenant

pytestmark = [pytest.mark.postgres]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("row locks under real concurrency need PostgreSQL (SQLite serialises writers)")


@pytest.mark.django_db(transaction=True)
def test_two_presses_at_once_make_one_company():
    call_command("load_plans", stdout=io.StringIO())
    root = Client(HTTP_HOST="localhost")
    root.post(
        "/signup/",
        {
            "company": "Initech",
            "subdomain": "initech",
            "owner_name": "Peter Gibbons",
            "email": "peter@initech.test",
        },
    )
    path = re.search(r"/signup/verify/[^/\s]+/", mail.outbox[-1].body)[0]
    barrier = threading.Barrier(2)
    answers: list = []

    def press():
        try:
            barrier.wait(timeout=10)
            answers.append(Client(HTTP_HOST="localhost").post(path))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=press) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(answer.status_code for answer in answers) == [200, 302]
    ready = next(answer for answer in answers if answer.status_code == 200)
    assert "Initech's workspace is ready." in ready.content.decode()
    assert Tenant.objects.filter(slug="initech").count() == 1
    assert Subscription.objects.count() == 1
