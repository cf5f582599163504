"""The sweeper: re-enqueue pending messages whose time has come.

It reads through ``for_each_active_tenant``: one transaction (and so one
row-level-security scope) per company, with that company's failure logged and
reported alone. That costs one small indexed query per active company per
minute; a crossing SECURITY DEFINER function would be one query in all, but
would be a second door past the policies for a question the per-company scope
answers. A suspended company's messages wait until it is active again; a
read-only one's (unpaid invoice) are delivered: they tell of writes committed
before, and a payment's own notices go through them.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import connection, transaction
from django.utils import timezone

from opsplatform.outbox.models import OutboxMessage
from opsplatform.outbox.services import relay_after_commit
from opsplatform.tenancy.sweeps import RUN, SweepReport, for_each_active_tenant

# Delivered messages are kept this long (to read what went out), then deleted;
# failed and pending ones are kept until they are delivered.
KEEP_DONE = timedelta(days=7)


def due_message_ids(limit: int) -> list[int]:
    """The current company's pending messages that are due, oldest first."""
    return list(
        OutboxMessage.objects.filter(
            status=OutboxMessage.Status.PENDING, next_attempt_at__lte=timezone.now()
        )
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )


def sweep() -> SweepReport:
    from opsplatform.outbox.tasks import SWEEP_BATCH

    def one_company(tenant) -> None:
        ids = due_message_ids(SWEEP_BATCH)
        if ids:
            transaction.on_commit(lambda: relay_after_commit(tenant.pk, ids))

    return for_each_active_tenant("Outbox sweep", one_company, read_only=RUN)


def prune() -> SweepReport:
    def one_company(tenant) -> None:
        # One plain DELETE: a queryset's delete() would fetch the rows and write a
        # history row for each (simple-history's signal), for bookkeeping nobody audits.
        with connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {OutboxMessage._meta.db_table}"
                " WHERE tenant_id = %s AND status = %s AND delivered_at < %s",
                [tenant.pk, OutboxMessage.Status.DONE, timezone.now() - KEEP_DONE],
            )

    return for_each_active_tenant("Outbox pruning", one_company, read_only=RUN)
