"""Two creates at once with one place left, on PostgreSQL with real threads: one
passes and the other is refused, for every limit new rows use up (found from the
registry). The guard is the count after the write, under the company's
audit-chain lock (opsplatform/billing/limits.py)."""

from __future__ import annotations

import threading

import pytest
from django.apps import apps
from django.db import connection, connections

from opsplatform.billing.entitlements import LimitReached
from opsplatform.billing.models import Plan
from opsplatform.billing.services import subscription_assign
from opsplatform.billing.usage import usage_of
from opsplatform.contract.registry import plan_limits
from opsplatform.tenancy.rls import tenant_transaction
from tests.factories import tenant_factories

pytestmark = [pytest.mark.postgres]

CASES = [(limit.code, label) for limit in plan_limits() for label in limit.consumed_by]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("concurrent transactions need PostgreSQL")


def race(tenant, make, count=2) -> list[str]:
    barrier = threading.Barrier(count)
    outcomes: list[str] = []

    def create():
        try:
            with tenant_transaction(tenant):
                barrier.wait(timeout=10)
                make()
            outcomes.append("created")
        except LimitReached:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=create) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("code", "label"), CASES, ids=[f"{c}:{m}" for c, m in CASES])
def test_two_creates_at_one_place_left_let_one_through(tenant_a, owner_a, code, label):
    make = tenant_factories()[apps.get_model(label)]
    with tenant_transaction(tenant_a):
        make()
        used = usage_of(tenant_a, code)
    plan = Plan.objects.create(code="capped", name="Capped", tier=1, limits={code: used + 1})
    subscription_assign(tenant=tenant_a, plan=plan)

    outcomes = race(tenant_a, make)

    assert sorted(outcomes) == ["created", "refused"]
    with tenant_transaction(tenant_a):
        assert usage_of(tenant_a, code) == used + 1
