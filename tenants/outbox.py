"""What the tenants app's writes cause later, delivered through the outbox."""

from __future__ import annotations

from opsplatform import outbox
from tenants.services import INVITATION_EMAIL


@outbox.handler(INVITATION_EMAIL)
def invitation_email(message) -> None:
    # Raising (the mail server refused) retries with backoff, then marks the
    # message failed for platform staff. Sending twice is possible (sent, then
    # the worker died before commit); both emails carry the same valid link.
    from tenants.tasks import send_invitation

    send_invitation(message.tenant, message.payload["invitation_id"])
