"""Notifications in the product: the list and the settings page, the bell's script."""

from django.utils.translation import gettext_lazy as _

from opsplatform.contract import Module, SidebarItem

MODULE = Module(
    name="notifications",
    label=_("Notifications"),
    items=(
        SidebarItem(
            group="workspace",
            title=_("Notifications"),
            icon="notifications",
            url="admin:notifications_notification_changelist",
            order=20,
            permission="notifications.view_notification",
        ),
        SidebarItem(
            group="workspace",
            title=_("Notification settings"),
            icon="notifications_active",
            url="admin:notifications_settings",
            order=30,
            permission="notifications.change_notificationpreference",
        ),
    ),
    # The live channel and the notification bell; modules' live scripts follow it.
    scripts=("opsplatform/notifications.js",),
    styles=("opsplatform/notifications.css",),
)
