"""Deleting the links an import replaces, with their "-" history rows in bulk.

A queryset ``delete()`` of a model with history fetches the rows and sends
post_delete for each: simple-history then inserts one "-" row per deleted row
(a query each, and without the importing person or a reason outside a
request). Here the rows are read once, their "-" rows inserted in one
statement per batch with the person and the reason, and the rows deleted in
one statement. The models deleted this way (task assignees, labels and
dependencies) have no other delete receiver and nothing pointing at them;
``_raw_delete`` is the single DELETE Django's own collector uses for them.
"""

from __future__ import annotations

from django.db import models, transaction
from django.utils import timezone
from simple_history.utils import get_history_model_for_model

BATCH_SIZE = 2000


def delete_with_history(queryset: models.QuerySet, *, user=None, reason: str = "") -> int:
    """Delete the rows of ``queryset``, leaving a "-" history row for each; how many."""
    model = queryset.model
    with transaction.atomic(savepoint=False):
        rows = list(queryset.select_for_update())
        if not rows:
            return 0
        history = get_history_model_for_model(model)
        now = timezone.now()
        user_id = getattr(user, "pk", None)
        tracked = [field.attname for field in history.tracked_fields]
        history.objects.bulk_create(
            [
                history(
                    history_date=now,
                    history_user_id=user_id,
                    history_change_reason=reason,
                    history_type="-",
                    **{name: getattr(row, name) for name in tracked},
                )
                for row in rows
            ],
            batch_size=BATCH_SIZE,
        )
        pks = [row.pk for row in rows]
        for start in range(0, len(pks), BATCH_SIZE):
            model._base_manager.filter(pk__in=pks[start : start + BATCH_SIZE])._raw_delete(
                queryset.db
            )
    return len(rows)
