"""Reading notifications and preferences. Everything runs in the current tenant."""

from __future__ import annotations

from collections.abc import Iterable

from opsplatform.counts import cached_count, register_count
from opsplatform.notifications.models import Notification, NotificationPreference
from opsplatform.notifications.registry import CHANNELS, get_type


def _defaults(type_code: str) -> frozenset:
    try:
        return frozenset(get_type(type_code).default_channels)
    except KeyError:
        return frozenset(CHANNELS)


def mine(user):
    """The user's notifications (in-app ones: the bell and the list show only these)."""
    return Notification.objects.filter(recipient_id=user.pk, in_app=True)


# Every page's bell shows it: cached per tenant and person, forgotten by the
# services that write notifications or read marks (bulk writes: no signals).
UNREAD_COUNT = register_count(
    "notifications.unread",
    lambda user: mine(user).filter(read_at__isnull=True).count(),
    once_per_request=False,  # the bell asks once; a page that marks read asks again
)


def unread_count(user) -> int:
    return cached_count(UNREAD_COUNT.name, user)


def recent_for(user, limit: int = 10) -> list[Notification]:
    return list(mine(user).order_by("-created_at", "-pk")[:limit])


def preference_map(user_ids: Iterable[int], type_code: str) -> dict[int, dict[str, bool]]:
    """Saved choices for one type: ``{user_id: {channel: enabled}}``, in one query."""
    choices: dict[int, dict[str, bool]] = {}
    rows = NotificationPreference.objects.filter(
        user_id__in=list(user_ids), type_code=type_code
    ).values_list("user_id", "channel", "enabled")
    for user_id, channel, enabled in rows:
        choices.setdefault(user_id, {})[channel] = enabled
    return choices


def channels_from(choices: dict[str, bool], type_code: str) -> set[str]:
    """The channels on for a type given someone's saved choices (defaults fill the rest)."""
    defaults = _defaults(type_code)
    return {channel for channel in CHANNELS if choices.get(channel, channel in defaults)}


def enabled_channels_for(users, type_code: str) -> dict[int, set[str]]:
    """``{user_id: channels}`` for many users at once (one query)."""
    ids = [user.pk for user in users]
    saved = preference_map(ids, type_code)
    return {user_id: channels_from(saved.get(user_id, {}), type_code) for user_id in ids}


def enabled_channels(user, type_code: str) -> set[str]:
    return enabled_channels_for([user], type_code)[user.pk]


def preferences_table(user) -> dict[tuple[str, str], bool]:
    """``{(type_code, channel): enabled}`` for every registered type (saved or default)."""
    from opsplatform.notifications.registry import all_types

    saved = {
        (code, channel): enabled
        for code, channel, enabled in NotificationPreference.objects.filter(
            user_id=user.pk
        ).values_list("type_code", "channel", "enabled")
    }
    table = {}
    for kind in all_types():
        for channel in CHANNELS:
            table[(kind.code, channel)] = saved.get(
                (kind.code, channel), channel in kind.default_channels
            )
    return table
