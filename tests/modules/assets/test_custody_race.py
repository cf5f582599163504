"""Two people assigning the same laptop at the same moment, on PostgreSQL with
real threads and connections: exactly one hand-out happens."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from modules.assets.models import AssetEvent, AssetStatus, Assignment
from modules.assets.services import custody
from opsplatform.refusals import Refused
from opsplatform.tenancy import tenant_context
from opsplatform.tenancy.rls import tenant_transaction
from tests.modules.assets.custody_fixtures import laptop

pytestmark = [pytest.mark.postgres]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("row locks under real concurrency need PostgreSQL (SQLite serialises writers)")


def race(tenant, asset_id, attempts):
    """Every (employee, user) assigns at once (a barrier releases them together)."""
    barrier = threading.Barrier(len(attempts))
    outcomes: list[str] = []

    def attempt(employee, user):
        try:
            with tenant_transaction(tenant):
                barrier.wait(timeout=10)
                custody.assign(asset_id, employee=employee, by=user)
            outcomes.append(f"assigned to {employee.full_name}")
        except Refused as refusal:
            outcomes.append(" ".join(refusal.messages))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=pair) for pair in attempts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_two_assignments_of_the_same_asset_at_once_make_one_holder(office):
    with tenant_context(office.tenant):
        asset = laptop()

    outcomes = race(
        office.tenant,
        asset.pk,
        [(office.max_employee, office.hr), (office.mia_employee, office.owner)],
    )

    assert len(outcomes) == 2
    winners = [o for o in outcomes if o.startswith("assigned to")]
    assert len(winners) == 1
    assert "This asset is already held by someone." in outcomes
    with tenant_context(office.tenant):
        asset.refresh_from_db()
        assert asset.status == AssetStatus.ASSIGNED
        held = Assignment.objects.get(asset=asset)
        assert winners[0] == f"assigned to {held.employee.full_name}"
        assert AssetEvent.objects.filter(asset=asset, action="assign").count() == 1
