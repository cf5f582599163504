"""The outbox handler of notifications: a batch's emails and live pushes."""

from __future__ import annotations

from opsplatform import outbox
from opsplatform.notifications.services import DELIVER


@outbox.handler(DELIVER)
def deliver_batch(message) -> None:
    from opsplatform.notifications.delivery import deliver

    failures = deliver(
        message.tenant,
        message.payload["notification_ids"],
        # A live push is a nudge of the moment; one that failed to go with the
        # first try is not worth a late repeat (the bell reloads its count).
        push_live=message.attempts == 0,
    )
    if failures:
        # The emails that went out stay marked sent; the next try sends the rest.
        raise outbox.Retry("; ".join(failures))
