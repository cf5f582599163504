"""Platform staff see, across companies, the outbox messages that are not
delivered, with their errors, and retry a failed one by POST."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from opsplatform import outbox
from opsplatform.outbox.models import OutboxMessage
from opsplatform.tenancy import tenant_context
from tenants.models import User
from tests.conftest import PASSWORD

from .conftest import CALLS, only_message

pytestmark = pytest.mark.django_db

LIST_URL = "/admin/outbox/outboxattention/"


def retry_url(message) -> str:
    return reverse(
        "admin:outbox_outboxattention_retry_detail",
        urlconf="opsplatform.urls.landlord",
        args=[message.pk],
    )


def failed_flaky(tenant, committed, sweep_at, *, failures: int) -> OutboxMessage:
    """A message whose handler failed every attempt it was given."""
    from opsplatform.outbox.registry import DEFAULT_BACKOFF_MINUTES

    with committed(), tenant_context(tenant):
        outbox.emit(
            "tests.flaky", tenant=tenant, payload={"key": tenant.slug, "failures": failures}
        )
    elapsed = 0.0
    for delay in DEFAULT_BACKOFF_MINUTES:
        elapsed += delay + 0.1
        sweep_at(minutes=elapsed)
    message = only_message(tenant, "tests.flaky")
    assert message.status == OutboxMessage.Status.FAILED
    return message


def test_staff_see_what_is_not_delivered_in_every_company(
    tenant_a, tenant_b, platform_admin, client_for, committed, sweep_at
):
    from tests.broken_queue import queue_down

    failed = failed_flaky(tenant_a, committed, sweep_at, failures=99)
    with queue_down(), committed(), tenant_context(tenant_b):
        waiting = outbox.emit("tests.record", tenant=tenant_b, payload={"n": 1})

    response = client_for(None, platform_admin).get(LIST_URL)

    assert response.status_code == 200
    shown = {row.pk: row for row in response.context["cl"].result_list}
    assert set(shown) == {failed.pk, waiting.pk}
    assert shown[failed.pk].tenant == tenant_a and shown[failed.pk].status == "failed"
    assert shown[waiting.pk].tenant == tenant_b and shown[waiting.pk].status == "pending"
    body = response.content.decode()
    assert "ConnectionRefusedError: the provider is down" in body


def test_a_delivered_message_is_not_listed(tenant_a, platform_admin, client_for, committed):
    with committed(), tenant_context(tenant_a):
        outbox.emit("tests.record", tenant=tenant_a, payload={"n": 1})
    response = client_for(None, platform_admin).get(LIST_URL)
    assert list(response.context["cl"].result_list) == []


def test_the_message_page_shows_its_error_and_payload(
    tenant_a, platform_admin, client_for, committed, sweep_at
):
    failed = failed_flaky(tenant_a, committed, sweep_at, failures=99)
    response = client_for(None, platform_admin).get(f"{LIST_URL}{failed.pk}/change/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "the provider is down" in body
    assert "&quot;failures&quot;: 99" in body


def test_a_get_of_retry_asks_and_changes_nothing(
    tenant_a, platform_admin, client_for, committed, sweep_at
):
    failed = failed_flaky(tenant_a, committed, sweep_at, failures=99)
    response = client_for(None, platform_admin).get(retry_url(failed))
    assert response.status_code == 200
    assert 'method="post"' in response.content.decode()
    assert only_message(tenant_a, "tests.flaky").status == OutboxMessage.Status.FAILED


def test_retry_gives_a_failed_message_a_fresh_start(
    tenant_a, platform_admin, client_for, committed, sweep_at
):
    # Fails its six attempts, then the provider recovers.
    failed = failed_flaky(tenant_a, committed, sweep_at, failures=6)
    with committed():
        response = client_for(None, platform_admin).post(retry_url(failed), follow=True)
    assert "The message will be tried again now." in response.content.decode()
    message = only_message(tenant_a, "tests.flaky")
    assert (message.status, message.attempts) == (OutboxMessage.Status.DONE, 1)
    assert len(CALLS) == 1


def test_retry_of_a_message_that_is_not_failed_changes_nothing(
    tenant_a, platform_admin, client_for, committed, broken_queue
):
    with committed(), tenant_context(tenant_a):
        waiting = outbox.emit("tests.record", tenant=tenant_a, payload={"n": 1})
    response = client_for(None, platform_admin).post(retry_url(waiting), follow=True)
    assert "Only a failed message can be retried." in response.content.decode()
    assert only_message(tenant_a, "tests.record").attempts == 0


def test_staff_without_the_retry_permission_only_look(tenant_a, client_for, committed, sweep_at):
    failed = failed_flaky(tenant_a, committed, sweep_at, failures=99)
    clerk = User.objects.create_user(email="clerk@platform.test", password=PASSWORD, is_staff=True)
    clerk.user_permissions.add(Permission.objects.get(codename="view_outboxattention"))
    client = client_for(None, clerk)

    assert client.get(LIST_URL).status_code == 200
    assert client.post(retry_url(failed)).status_code == 403
    assert only_message(tenant_a, "tests.flaky").status == OutboxMessage.Status.FAILED


def test_a_company_member_cannot_reach_the_list(tenant_a, owner_a, client_for):
    assert client_for(tenant_a, owner_a).get(LIST_URL).status_code == 404


def test_the_list_action_retries_the_selected_failed_messages(
    tenant_a, platform_admin, client_for, committed, sweep_at
):
    failed = failed_flaky(tenant_a, committed, sweep_at, failures=6)
    client = client_for(None, platform_admin)
    assert "Retry selected failed messages" in client.get(LIST_URL).content.decode()
    with committed():
        response = client.post(
            LIST_URL, {"action": "retry_selected", "_selected_action": [failed.pk]}, follow=True
        )
    assert "1 messages will be tried again." in response.content.decode()
    assert only_message(tenant_a, "tests.flaky").status == OutboxMessage.Status.DONE
