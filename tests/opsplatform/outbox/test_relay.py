"""The outbox's promise: a message commits with its write, is delivered after the
commit, survives a queue that is down at that moment, is retried with backoff,
and is delivered once however many times it is enqueued."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from freezegun import freeze_time

from opsplatform import outbox
from opsplatform.outbox.models import OutboxMessage
from opsplatform.outbox.registry import DEFAULT_BACKOFF_MINUTES
from opsplatform.outbox.relay import deliver
from opsplatform.outbox.tasks import relay_outbox
from opsplatform.tenancy import tenant_context

from .conftest import CALLS, messages_of, only_message

pytestmark = pytest.mark.django_db

PENDING, DONE, FAILED = (
    OutboxMessage.Status.PENDING,
    OutboxMessage.Status.DONE,
    OutboxMessage.Status.FAILED,
)


def test_a_message_is_delivered_once_its_write_commits(tenant_a, committed):
    with committed(), tenant_context(tenant_a):
        outbox.emit("tests.record", tenant=tenant_a, payload={"n": 1})
        assert CALLS == []  # nothing runs before the commit
    assert CALLS == [(tenant_a.pk, {"n": 1})]
    message = only_message(tenant_a, "tests.record")
    assert message.status == DONE
    assert message.attempts == 1
    assert message.delivered_at is not None


def test_a_rolled_back_write_leaves_no_message_and_no_effect(tenant_a, committed):
    with committed(), tenant_context(tenant_a):
        try:
            with transaction.atomic():
                outbox.emit("tests.record", tenant=tenant_a, payload={"n": 1})
                raise RuntimeError("the write fails")
        except RuntimeError:
            pass
    assert CALLS == []
    assert messages_of(tenant_a) == []


def test_an_unknown_handler_is_refused_at_emit(tenant_a):
    with tenant_context(tenant_a), pytest.raises(KeyError):
        outbox.emit("tests.no_such_handler", tenant=tenant_a)


def test_a_queue_down_at_commit_raises_nothing_and_the_message_waits(
    tenant_a, committed, broken_queue
):
    with committed(), tenant_context(tenant_a):
        outbox.emit("tests.record", tenant=tenant_a, payload={"n": 1})
    assert broken_queue.tasks == ["relay_outbox"]
    assert CALLS == []
    assert only_message(tenant_a, "tests.record").status == PENDING


def test_the_sweeper_delivers_after_a_minute_what_the_relay_lost(tenant_a, committed, sweep_at):
    from tests.broken_queue import queue_down

    with queue_down(), committed(), tenant_context(tenant_a):
        outbox.emit("tests.record", tenant=tenant_a, payload={"n": 1})

    sweep_at(minutes=0.5)  # the relay may still be on its way: left alone
    assert CALLS == []
    sweep_at(minutes=1.5)
    assert CALLS == [(tenant_a.pk, {"n": 1})]
    assert only_message(tenant_a, "tests.record").status == DONE


def test_a_message_enqueued_twice_is_delivered_once(tenant_a, committed, sweep_at):
    with committed(), tenant_context(tenant_a):
        message = outbox.emit("tests.record", tenant=tenant_a, payload={"n": 1})
    relay_outbox.call_local(tenant_a.pk, [message.pk])  # a late duplicate of the relay
    sweep_at(minutes=5)
    assert CALLS == [(tenant_a.pk, {"n": 1})]


def test_the_sweeper_works_company_by_company(tenant_a, tenant_b, committed, sweep_at):
    from tests.broken_queue import queue_down

    with queue_down(), committed():
        with tenant_context(tenant_a):
            outbox.emit("tests.record", tenant=tenant_a, payload={"who": "a"})
        with tenant_context(tenant_b):
            outbox.emit("tests.record", tenant=tenant_b, payload={"who": "b"})
    report = sweep_at(minutes=2)
    assert sorted(CALLS) == sorted([(tenant_a.pk, {"who": "a"}), (tenant_b.pk, {"who": "b"})])
    assert report.done == ["acme", "globex"]
    # Each company sees only its own messages (row-level security on PostgreSQL).
    assert [m.payload for m in messages_of(tenant_a)] == [{"who": "a"}]


def test_a_failing_handler_is_retried_with_backoff_then_marked_failed(
    tenant_a, committed, sweep_at
):
    with committed(), tenant_context(tenant_a):
        outbox.emit("tests.flaky", tenant=tenant_a, payload={"key": "k", "failures": 99})
    message = only_message(tenant_a, "tests.flaky")
    assert (message.status, message.attempts) == (PENDING, 1)
    assert message.last_error == "ConnectionRefusedError: the provider is down"

    # Each retry waits its backoff: 1, 5, 25 ... minutes after the failure before it.
    elapsed = 0.0
    for attempt, delay in enumerate(DEFAULT_BACKOFF_MINUTES, start=2):
        sweep_at(minutes=elapsed + delay - 0.5)  # not yet
        assert only_message(tenant_a, "tests.flaky").attempts == attempt - 1
        elapsed += delay + 0.1
        sweep_at(minutes=elapsed)
        assert only_message(tenant_a, "tests.flaky").attempts == attempt

    message = only_message(tenant_a, "tests.flaky")
    assert message.status == FAILED
    assert message.attempts == len(DEFAULT_BACKOFF_MINUTES) + 1
    assert "the provider is down" in message.last_error
    sweep_at(minutes=elapsed + 10_000)  # a failed message waits for platform staff
    assert only_message(tenant_a, "tests.flaky").attempts == len(DEFAULT_BACKOFF_MINUTES) + 1
    assert CALLS == []


def test_a_handler_that_recovers_is_done_on_a_later_try(tenant_a, committed, sweep_at):
    with committed(), tenant_context(tenant_a):
        outbox.emit("tests.flaky", tenant=tenant_a, payload={"key": "k", "failures": 1})
    sweep_at(minutes=1.5)
    message = only_message(tenant_a, "tests.flaky")
    assert (message.status, message.attempts, message.last_error) == (DONE, 2, "")
    assert len(CALLS) == 1


def test_an_early_duplicate_does_not_cut_a_backoff_short(tenant_a, committed):
    with committed(), tenant_context(tenant_a):
        message = outbox.emit("tests.flaky", tenant=tenant_a, payload={"key": "k", "failures": 1})
    assert deliver(tenant_a, message.pk) is False  # the retry is due in a minute, not now
    assert only_message(tenant_a, "tests.flaky").attempts == 1
    with freeze_time(timezone.now() + timedelta(minutes=2)):
        assert deliver(tenant_a, message.pk) is True
    assert only_message(tenant_a, "tests.flaky").status == DONE


def test_a_dedupe_key_keeps_one_waiting_message(tenant_a, committed, broken_queue):
    with committed(), tenant_context(tenant_a):
        first = outbox.emit("tests.record", tenant=tenant_a, payload={"n": 1}, dedupe_key="x")
        second = outbox.emit("tests.record", tenant=tenant_a, payload={"n": 2}, dedupe_key="x")
    assert first is not None and second is None
    assert [m.payload for m in messages_of(tenant_a)] == [{"n": 1}]


def test_a_dedupe_key_is_free_again_once_its_message_is_done(tenant_a, committed):
    with committed(), tenant_context(tenant_a):
        outbox.emit("tests.record", tenant=tenant_a, payload={"n": 1}, dedupe_key="x")
    with committed(), tenant_context(tenant_a):
        outbox.emit("tests.record", tenant=tenant_a, payload={"n": 2}, dedupe_key="x")
    assert [payload for _, payload in CALLS] == [{"n": 1}, {"n": 2}]


def test_delivered_messages_are_forgotten_after_a_week_and_the_rest_kept(
    tenant_a, committed, sweep_at
):
    from opsplatform.outbox.sweep import prune

    with committed(), tenant_context(tenant_a):
        outbox.emit("tests.record", tenant=tenant_a, payload={"n": 1})
        outbox.emit("tests.flaky", tenant=tenant_a, payload={"key": "k", "failures": 99})
    with freeze_time(timezone.now() + timedelta(days=6)):
        prune()
    assert len(messages_of(tenant_a)) == 2
    with freeze_time(timezone.now() + timedelta(days=8)):
        prune()
    assert [m.handler for m in messages_of(tenant_a)] == ["tests.flaky"]


def test_the_database_shows_a_company_only_its_own_messages(
    tenant_a, tenant_b, committed, broken_queue, app_role
):
    from django.db import connection

    for tenant in (tenant_a, tenant_b):
        with committed(), tenant_context(tenant):
            outbox.emit("tests.record", tenant=tenant, payload={"who": tenant.slug})
    with app_role(), tenant_context(tenant_a), connection.cursor() as cursor:
        cursor.execute("SELECT tenant_id FROM outbox_outboxmessage")  # no WHERE: RLS decides
        assert {row[0] for row in cursor.fetchall()} == {tenant_a.pk}
    with app_role(), tenant_context(None), connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM outbox_outboxmessage")
        assert cursor.fetchone()[0] == 0
        # The landlord's window sees both, through its one narrow function.
        cursor.execute("SELECT count(*) FROM outbox_attention")
        assert cursor.fetchone()[0] == 2
