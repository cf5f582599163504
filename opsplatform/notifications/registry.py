"""Notification types: what a module can send, and how it reads.

Each module registers its types when its ``notifications.py`` is imported
(the contract's discovery imports it at start-up, opsplatform/contract/registry.py;
``Module.notification_types()`` lists a module's own). Titles and bodies are lazy %-format strings rendered with the
notification's context in the recipient's language, so stored rows are
language-neutral.
"""

from __future__ import annotations

from dataclasses import dataclass

CHANNELS = ("in_app", "email", "live")


@dataclass(frozen=True)
class NotificationType:
    code: str  # "approvals.awaiting_decision"; module prefix before the dot
    label: str  # lazy; shown on the preferences page
    title: str  # lazy %-format string rendered with the notification's context
    body: str = ""  # lazy %-format string (email body / in-app second line), may be ""
    module: str = ""  # lazy group label on the preferences page
    default_channels: frozenset = frozenset({"in_app", "email", "live"})

    def __post_init__(self):
        unknown = set(self.default_channels) - set(CHANNELS)
        if unknown:
            raise ValueError(f"{self.code}: unknown channels {sorted(unknown)}")


_TYPES: dict[str, NotificationType] = {}


def register(*types: NotificationType) -> None:
    """Add types to the registry; registering a code again replaces it (idempotent)."""
    for notification_type in types:
        _TYPES[notification_type.code] = notification_type


def unregister(code: str) -> None:
    """Remove a type (tests that register their own use this to clean up)."""
    _TYPES.pop(code, None)


def get_type(code: str) -> NotificationType:
    """The type registered under ``code``; ``KeyError`` if there is none."""
    return _TYPES[code]


def all_types() -> list[NotificationType]:
    """Every registered type, grouped by module then ordered by code."""
    return sorted(_TYPES.values(), key=lambda t: (str(t.module), t.code))


class _Context(dict):
    """A missing key renders as an empty string instead of failing the whole notice."""

    def __missing__(self, key):
        return ""


def render(template, context: dict | None) -> str:
    """``template % context`` in the active language; never raises."""
    if not template:
        return ""
    text = str(template)
    try:
        return text % _Context(context or {})
    except (TypeError, ValueError):
        return text
