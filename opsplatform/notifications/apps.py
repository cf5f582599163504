from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "opsplatform.notifications"
    label = "notifications"
    verbose_name = _("Notifications")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.utils.module_loading import autodiscover_modules

        from opsplatform.notifications import rules  # noqa: F401

        # Each module declares its notification types in ``<module>/notifications.py``;
        # import them all so the preferences page lists every type from the start.
        autodiscover_modules("notifications")
