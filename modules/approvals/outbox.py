"""What an approval decision causes later, delivered through the outbox.

``approvals.announce`` creates the notices of one request event. It runs in
the same transaction that marks its outbox message done, so a second delivery
of the message (the relay and the sweeper both) finds it done and creates no
second notice.
"""

from __future__ import annotations

from modules.approvals.notifications import ANNOUNCE, announce_by_ids
from opsplatform import outbox


@outbox.handler(ANNOUNCE)
def announce(message) -> None:
    payload = message.payload
    announce_by_ids(
        code=payload["code"],
        request_id=payload["request_id"],
        step_id=payload["step_id"],
        actor_id=payload["actor_id"],
        to_deciders=payload["to_deciders"],
        extra=payload.get("extra", {}),
    )
