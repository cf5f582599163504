from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BillingConfig(AppConfig):
    name = "opsplatform.billing"
    label = "billing"
    verbose_name = _("Billing")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The landlord's webhook events screen lives beside the plans' admin.py
        # (another part's file), so it registers itself here.
        from opsplatform.billing import admin_events  # noqa: F401
