"""Inviting someone while the task queue is down: the page answers as usual, the
invitation is saved with its email waiting in the outbox, and the email goes
out once the queue is back."""

from __future__ import annotations

import pytest
from django.core import mail

from opsplatform.outbox.models import OutboxMessage
from opsplatform.tenancy import tenant_context
from tenants.models import Invitation

pytestmark = pytest.mark.django_db


def test_an_invitation_with_the_queue_down_is_saved_and_emailed_later(
    tenant_a, owner_a, client_for, django_capture_on_commit_callbacks, outbox_sweep_at
):
    from tests.broken_queue import queue_down

    client = client_for(tenant_a, owner_a)
    with queue_down() as refusals, django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/tenants/invitation/add/", {"email": "new@acme.test", "roles": ["employee"]}
        )

    assert response.status_code == 302
    assert response["Location"] == "/admin/tenants/invitation/"
    assert refusals.tasks == ["relay_outbox"]
    with tenant_context(tenant_a):
        invitation = Invitation.objects.get(email="new@acme.test")
        (message,) = OutboxMessage.objects.filter(handler="tenants.invitation_email")
    assert invitation.status == Invitation.Status.PENDING
    assert message.status == OutboxMessage.Status.PENDING
    assert mail.outbox == []

    outbox_sweep_at(minutes=1.5)

    assert [m.to for m in mail.outbox] == [["new@acme.test"]]
    outbox_sweep_at(minutes=5)  # delivered once
    assert len(mail.outbox) == 1
