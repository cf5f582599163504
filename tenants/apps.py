from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TenantsConfig(AppConfig):
    name = "tenants"
    verbose_name = _("People and access")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from tenants import signals  # noqa: F401
