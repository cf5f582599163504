"""A decision while the task queue is down: the approver's page answers as usual,
the decision commits with its notices' outbox messages, and once the queue is
back the next approver hears about it exactly once, however the message is
delivered (the relay, the sweeper, both, or both at the same moment)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections
from django.urls import reverse

from modules.approvals import notifications as notices
from modules.approvals import services
from modules.approvals.models import GateAction, StepStatus
from opsplatform.notifications.models import Notification
from opsplatform.outbox.models import OutboxMessage
from opsplatform.outbox.relay import deliver
from opsplatform.outbox.tasks import relay_outbox
from opsplatform.tenancy import tenant_context
from opsplatform.tenancy.rls import tenant_transaction

from .conftest import decide, purchase

URLCONF = "opsplatform.urls.tenant"


def awaiting(chain, user) -> int:
    with tenant_context(chain.tenant):
        return Notification.objects.filter(recipient=user, type_code=notices.AWAITING).count()


def announcements(chain) -> list[OutboxMessage]:
    with tenant_context(chain.tenant):
        return list(OutboxMessage.objects.filter(handler=notices.ANNOUNCE).order_by("pk"))


def submitted(chain):
    with tenant_context(chain.tenant):
        request = purchase(chain.requester)
        services.request_submit(request_id=request.pk, user=chain.requester)
        return request, request.steps.get(status=StepStatus.CURRENT).pk


@pytest.mark.django_db
def test_a_decision_with_the_queue_down_answers_and_commits(
    chain, client_for, broken_queue, django_capture_on_commit_callbacks
):
    request, step = submitted(chain)
    before = len(announcements(chain))

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(chain.tenant, chain.manager).post(
            reverse("admin:approvals_request_decide", args=[request.pk], urlconf=URLCONF),
            {"decision": "approve", "step": step},
            follow=True,
        )

    assert response.status_code == 200
    assert any("moves on to Revenue Assurance" in str(m) for m in response.context["messages"])
    with tenant_context(chain.tenant):
        assert request.log.filter(action=GateAction.APPROVED).count() == 1
    # The notices wait as outbox messages; none is lost, none is sent yet.
    waiting = announcements(chain)[before:]
    assert waiting and all(m.status == OutboxMessage.Status.PENDING for m in waiting)
    assert "relay_outbox" in broken_queue.tasks
    assert awaiting(chain, chain.ra) == 0


@pytest.mark.django_db
def test_the_next_approvers_notice_arrives_once_when_the_queue_is_back(
    chain, outbox_sweep_at, django_capture_on_commit_callbacks
):
    from tests.broken_queue import queue_down

    request, step = submitted(chain)
    with (
        queue_down(),
        django_capture_on_commit_callbacks(execute=True),
        tenant_context(chain.tenant),
    ):
        decide(request, chain.manager, "approve", step_id=step)
    assert awaiting(chain, chain.ra) == 0

    outbox_sweep_at(minutes=1.5)
    assert awaiting(chain, chain.ra) == 1

    # The relay's own enqueue turns up late, and the sweeper runs again: nothing new.
    ids = [m.pk for m in announcements(chain)]
    with django_capture_on_commit_callbacks(execute=True):
        relay_outbox.call_local(chain.tenant.pk, ids)
    outbox_sweep_at(minutes=3)
    assert awaiting(chain, chain.ra) == 1
    with tenant_context(chain.tenant):
        approved = Notification.objects.filter(
            recipient=chain.requester, type_code=notices.APPROVED
        )
        assert approved.count() == 1
    assert all(m.status == OutboxMessage.Status.DONE for m in announcements(chain))


@pytest.fixture
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("row locks under real concurrency need PostgreSQL (SQLite serialises writers)")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_relay_and_the_sweeper_at_the_same_moment_make_one_notice(
    _postgres_only, chain, monkeypatch
):
    """The relay holds the message (its handler is still running) when the sweeper's
    delivery of it starts: the sweeper skips the locked row and creates nothing."""
    from tests.broken_queue import queue_down

    with queue_down(), tenant_transaction(chain.tenant):
        request = purchase(chain.requester)
        services.request_submit(request_id=request.pk, user=chain.requester)
        decide(request, chain.manager, "approve")
    with tenant_context(chain.tenant):
        message = (
            OutboxMessage.objects.filter(handler=notices.ANNOUNCE, payload__to_deciders=True)
            .order_by("-pk")
            .first()
        )

    started, release = threading.Event(), threading.Event()
    from modules.approvals import outbox as approvals_outbox

    real = approvals_outbox.announce_by_ids

    def slow_announce(**kwargs):
        real(**kwargs)
        started.set()
        release.wait(timeout=10)  # the relay's transaction (and lock) stays open

    monkeypatch.setattr(approvals_outbox, "announce_by_ids", slow_announce)
    outcomes = {}

    def relay():
        try:
            outcomes["relay"] = deliver(chain.tenant, message.pk)
        finally:
            connections.close_all()

    # The queue stays down: the notices' own delivery messages wait, unseen here.
    with queue_down():
        thread = threading.Thread(target=relay)
        thread.start()
        assert started.wait(timeout=10)
        try:
            outcomes["sweeper"] = deliver(chain.tenant, message.pk)
            # SKIP LOCKED: the sweeper moved on at once instead of waiting for the relay.
            outcomes["relay still running"] = thread.is_alive()
        finally:
            release.set()
            thread.join(timeout=30)

    assert outcomes == {"relay": True, "sweeper": False, "relay still running": True}
    assert awaiting(chain, chain.ra) == 1
    with tenant_context(chain.tenant):
        assert OutboxMessage.objects.get(pk=message.pk).status == OutboxMessage.Status.DONE
    # And once the relay has committed, a second delivery finds it done.
    assert deliver(chain.tenant, message.pk) is False
    assert awaiting(chain, chain.ra) == 1
