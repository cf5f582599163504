"""Sending notifications, marking them read, saving preferences."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from opsplatform.counts import count_changed
from opsplatform.notifications.models import Notification, NotificationPreference
from opsplatform.notifications.registry import CHANNELS, get_type
from opsplatform.notifications.selectors import UNREAD_COUNT, enabled_channels_for
from opsplatform.tenancy.context import require_current_tenant

# The outbox handler that sends a batch's emails and live pushes (notifications/outbox.py).
DELIVER = "notifications.deliver"


def _active_members(users) -> list:
    """Deduplicated, active users who are active members of the current tenant.

    A notice carries the company's data (by email too), so nobody outside the
    company gets one, whatever the caller passed.
    """
    from tenants.models import Membership

    unique = {}
    for user in users:
        if user is None or not getattr(user, "is_active", False) or user.pk is None:
            continue
        unique.setdefault(user.pk, user)
    if not unique:
        return []
    members = set(
        Membership.objects.filter(
            user_id__in=list(unique), status=Membership.Status.ACTIVE
        ).values_list("user_id", flat=True)
    )
    return [user for pk, user in unique.items() if pk in members]


def notify(
    *, recipients, type: str, context: dict, url: str = "", actor=None
) -> list[Notification]:
    """Notify ``recipients`` of an event of ``type`` in the current tenant.

    Rows are written in the caller's transaction, with one outbox message for
    their email and live delivery, which runs after it commits (nothing goes out
    on rollback; emails are retried with backoff).
    Costs a constant number of queries whatever the number of recipients.
    """
    tenant = require_current_tenant()
    get_type(type)  # an unknown type is a programming error: KeyError
    users = _active_members(recipients)
    if not users:
        return []
    channels = enabled_channels_for(users, type)
    rows = []
    for user in users:
        on = channels[user.pk]
        if not on:
            continue
        rows.append(
            Notification(
                tenant=tenant,
                recipient=user,
                type_code=type,
                context=dict(context or {}),
                url=url or "",
                actor=actor if actor is not None and actor.pk else None,
                in_app="in_app" in on,
                email="email" in on,
                live="live" in on,
            )
        )
    if not rows:
        return []
    # No history rows, on purpose (docs/audit.md): a notification is a message derived
    # from an audited event (its history row or gate-log row), not a record of its own.
    created = Notification.objects.bulk_create(rows)
    pending = [row.pk for row in created if row.email or row.live]
    if pending:
        from opsplatform import outbox

        # In the caller's transaction: the notices and their delivery commit together,
        # and a queue that is down at commit loses nothing (docs/outbox.md).
        outbox.emit(DELIVER, tenant=tenant, payload={"notification_ids": pending})
    # The bell's count: forgotten now, and after the commit by the delivery of
    # ``pending`` (delivery.deliver) or, for notices with nothing to deliver, here.
    count_changed(
        UNREAD_COUNT.name,
        tenant_id=tenant.pk,
        user_ids=[row.recipient_id for row in created if row.in_app],
        after_commit=not pending,
    )
    return created


def notification_mark_read(*, user, notification_id: int) -> Notification:
    """Mark one of ``user``'s notifications read; someone else's id raises ``DoesNotExist``."""
    notification = Notification.objects.get(pk=notification_id, recipient_id=user.pk)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        # Read marks are a person's own inbox state, not audited (docs/audit.md).
        Notification.objects.filter(pk=notification.pk).update(read_at=notification.read_at)
        count_changed(UNREAD_COUNT.name, tenant_id=notification.tenant_id, user_ids=[user.pk])
    return notification


def notifications_mark_all_read(*, user) -> int:
    """Mark all of ``user``'s unread notifications read; returns how many."""
    marked = Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    if marked:
        count_changed(UNREAD_COUNT.name, tenant_id=require_current_tenant().pk, user_ids=[user.pk])
    return marked


def preferences_save(*, user, choices: dict[tuple[str, str], bool]) -> None:
    """Save ``{(type_code, channel): enabled}`` for ``user``; unknown types or channels raise."""
    require_current_tenant()
    for type_code, channel in choices:
        get_type(type_code)
        if channel not in CHANNELS:
            raise ValueError(f"Unknown channel {channel!r}")
    existing = {
        (pref.type_code, pref.channel): pref
        for pref in NotificationPreference.objects.filter(user_id=user.pk)
    }
    with transaction.atomic():
        for key, enabled in choices.items():
            pref = existing.get(key)
            if pref is None:
                NotificationPreference.objects.create(
                    user=user, type_code=key[0], channel=key[1], enabled=bool(enabled)
                )
            elif pref.enabled != bool(enabled):
                pref.enabled = bool(enabled)
                pref.save(update_fields=["enabled"])
