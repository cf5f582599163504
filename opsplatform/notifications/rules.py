"""Everyone who is a member sees and manages their own notifications (and only those:
the screens filter by recipient)."""

from __future__ import annotations

import rules

from opsplatform.permissions import is_member

rules.add_perm("notifications.view_notification", is_member)
rules.add_perm("notifications.change_notificationpreference", is_member)
rules.add_perm("notifications.view_notificationpreference", is_member)
