"""Two approvers pressing Approve at the same moment, on PostgreSQL with real threads."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from modules.approvals import services
from modules.approvals.models import ApprovalRequest, GateAction, StepStatus
from opsplatform.tenancy.rls import tenant_transaction

from .conftest import decide, purchase

pytestmark = [pytest.mark.postgres]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("row locks under real concurrency need PostgreSQL (SQLite serialises writers)")


def race(tenant, request_id, people, step_id):
    """Every person decides at once (a barrier releases them together); returns their outcomes."""
    barrier = threading.Barrier(len(people))
    outcomes: dict[str, str] = {}

    def decide(user):
        try:
            with tenant_transaction(tenant):
                barrier.wait(timeout=10)
                services.request_decide(
                    request_id=request_id, user=user, decision="approve", step_id=step_id
                )
            outcomes[user.email] = "approved"
        except services.Refused as refusal:
            outcomes[user.email] = str(refusal)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=decide, args=(person,)) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_two_approvers_at_once_make_one_decision(chain, make_member):
    second_ra = make_member(chain.tenant, "ray@acme.test", roles=["revenue_assurance"])
    with tenant_transaction(chain.tenant):
        request = purchase(chain.requester)
        services.request_submit(request_id=request.pk, user=chain.requester)
        decide(request, chain.manager, "approve")
        step_id = request.steps.get(status=StepStatus.CURRENT).pk

    outcomes = race(chain.tenant, request.pk, [chain.ra, second_ra], step_id)

    assert sorted(outcomes.values()).count("approved") == 1
    loser = next(message for message in outcomes.values() if message != "approved")
    winner = next(email for email, message in outcomes.items() if message == "approved")
    winner_name = "Rita" if winner == "rita@acme.test" else "Ray"
    assert f"Already decided: {winner_name} approved" in loser
    with tenant_transaction(chain.tenant):
        request = ApprovalRequest.objects.get(pk=request.pk)
        assert request.log.filter(action=GateAction.APPROVED).count() == 2  # manager + one RA
        assert request.steps.get(status=StepStatus.CURRENT).name == "Owner"


@pytest.mark.django_db(transaction=True)
def test_double_click_by_the_same_approver_makes_one_decision(chain):
    with tenant_transaction(chain.tenant):
        request = purchase(chain.requester)
        services.request_submit(request_id=request.pk, user=chain.requester)
        step_id = request.steps.get(status=StepStatus.CURRENT).pk

    outcomes_list = []
    barrier = threading.Barrier(2)

    def click():
        try:
            with tenant_transaction(chain.tenant):
                barrier.wait(timeout=10)
                decide(request, chain.manager, "approve", step_id=step_id)
            outcomes_list.append("approved")
        except services.Refused as refusal:
            outcomes_list.append(str(refusal))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=click) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert outcomes_list.count("approved") == 1
    assert any("Already decided: Mark approved" in o for o in outcomes_list)
    with tenant_transaction(chain.tenant):
        assert (
            ApprovalRequest.objects.get(pk=request.pk)
            .log.filter(action=GateAction.APPROVED)
            .count()
            == 1
        )
