"""Emails go out through the outbox: a refused one is retried with backoff, one that
keeps failing is marked failed with its error for platform staff, and a retry
never sends again what already went out."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import override_settings

from opsplatform.notifications import services as notifications
from opsplatform.notifications.models import Notification
from opsplatform.notifications.registry import NotificationType, register, unregister
from opsplatform.outbox.models import OutboxMessage
from opsplatform.outbox.registry import DEFAULT_BACKOFF_MINUTES
from opsplatform.tenancy import tenant_context
from tenants import services as tenant_services
from tests.broken_mail import REFUSING, REFUSING_DOWN_TEST

from .conftest import only_message

pytestmark = pytest.mark.django_db

NEWS = "tests.outbox_news"


@pytest.fixture(autouse=True)
def news_type():
    register(NotificationType(code=NEWS, module="Tests", label="News", title="News: %(what)s"))
    yield
    unregister(NEWS)


@pytest.fixture
def pushed(monkeypatch):
    calls = []
    monkeypatch.setattr(
        "opsplatform.notifications.delivery.publish", lambda **kwargs: calls.append(kwargs)
    )
    return calls


def notify(tenant, users):
    with tenant_context(tenant):
        return notifications.notify(recipients=users, type=NEWS, context={"what": "budget"})


def sweep_until_failed(sweep_at) -> None:
    elapsed = 0.0
    for delay in DEFAULT_BACKOFF_MINUTES:
        elapsed += delay + 0.1
        sweep_at(minutes=elapsed)


def test_a_refused_notification_email_is_retried_then_sent(
    tenant_a, make_member, committed, sweep_at, pushed
):
    alice = make_member(tenant_a, "alice@acme.test")
    with override_settings(EMAIL_BACKEND=REFUSING), committed():
        (row,) = notify(tenant_a, [alice])
    message = only_message(tenant_a, "notifications.deliver")
    assert (message.status, message.attempts) == (OutboxMessage.Status.PENDING, 1)
    assert "SMTPServerDisconnected" in message.last_error
    assert mail.outbox == []
    assert len(pushed) == 1  # the live push went with the first try

    sweep_at(minutes=1.5)  # the provider is back

    assert [m.to for m in mail.outbox] == [["alice@acme.test"]]
    with tenant_context(tenant_a):
        assert Notification.objects.get(pk=row.pk).emailed_at is not None
    assert only_message(tenant_a, "notifications.deliver").status == OutboxMessage.Status.DONE
    assert len(pushed) == 1  # and was not repeated


def test_a_retry_sends_only_the_emails_that_failed(
    tenant_a, make_member, committed, sweep_at, pushed
):
    alice = make_member(tenant_a, "alice@acme.test")
    carol = make_member(tenant_a, "carol@down.test")
    with override_settings(EMAIL_BACKEND=REFUSING_DOWN_TEST), committed():
        notify(tenant_a, [alice, carol])
    assert [m.to for m in mail.outbox] == [["alice@acme.test"]]
    assert "carol@down.test" in only_message(tenant_a, "notifications.deliver").last_error

    sweep_at(minutes=1.5)

    assert sorted(m.to[0] for m in mail.outbox) == ["alice@acme.test", "carol@down.test"]


def test_an_email_that_keeps_failing_is_marked_failed_with_its_error(
    tenant_a, make_member, committed, sweep_at, pushed
):
    alice = make_member(tenant_a, "alice@acme.test")
    with override_settings(EMAIL_BACKEND=REFUSING):
        with committed():
            (row,) = notify(tenant_a, [alice])
        sweep_until_failed(sweep_at)
    message = only_message(tenant_a, "notifications.deliver")
    assert message.status == OutboxMessage.Status.FAILED
    assert message.attempts == len(DEFAULT_BACKOFF_MINUTES) + 1
    assert "SMTPServerDisconnected: Connection unexpectedly closed" in message.last_error
    with tenant_context(tenant_a):  # the in-app notice itself is there all along
        assert Notification.objects.get(pk=row.pk).emailed_at is None


def test_an_invitation_email_refused_by_the_provider_is_retried(
    tenant_a, owner_a, client_for, committed, sweep_at
):
    client = client_for(tenant_a, owner_a)
    with override_settings(EMAIL_BACKEND=REFUSING), committed():
        response = client.post(
            "/admin/tenants/invitation/add/", {"email": "new@acme.test", "roles": ["employee"]}
        )
    assert response.status_code == 302
    message = only_message(tenant_a, "tenants.invitation_email")
    assert message.status == OutboxMessage.Status.PENDING
    assert "SMTPServerDisconnected" in message.last_error
    assert mail.outbox == []

    sweep_at(minutes=1.5)

    assert [m.to for m in mail.outbox] == [["new@acme.test"]]
    assert "/invite/" in mail.outbox[0].body


def test_resending_while_an_email_waits_sends_one_email_with_the_new_link(
    tenant_a, owner_a, committed, sweep_at
):
    from tenants.links import invitation_token
    from tests.broken_queue import queue_down

    with queue_down(), committed():
        invitation = tenant_services.invitation_create(
            tenant=tenant_a, email="new@acme.test", roles=["employee"], invited_by=owner_a
        )
    with queue_down(), committed():
        tenant_services.invitation_resend(invitation=invitation)
    assert only_message(tenant_a, "tenants.invitation_email").status == "pending"

    sweep_at(minutes=1.5)

    assert len(mail.outbox) == 1
    with tenant_context(tenant_a):
        invitation.refresh_from_db()
    assert invitation.link_version == 1  # resent once: the first link no longer works
    # The signed part names the link's version (the rest is a timestamp and signature).
    assert invitation_token(invitation).split(":")[0] in mail.outbox[0].body
