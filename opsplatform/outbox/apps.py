from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutboxConfig(AppConfig):
    name = "opsplatform.outbox"
    label = "outbox"
    verbose_name = _("Outbox")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from opsplatform.outbox import handlers  # noqa: F401 - the kernel's own handler

        # Each part registers its handlers in ``<app>/outbox.py``, imported by the
        # contract's discovery (opsplatform/contract/registry.py), so the web
        # process (which emits) and the worker (which delivers) both know them all.
