from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "opsplatform.notifications"
    label = "notifications"
    verbose_name = _("Notifications")
    default_auto_field = "django.db.models.BigAutoField"
    # Each part's ``notifications.py`` (its notification types) is imported at
    # start-up by the contract's discovery (opsplatform/contract/registry.py), and
    # this app's ``rules.py`` by django-rules' autodiscovery.
