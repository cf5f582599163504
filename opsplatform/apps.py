from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsPlatformConfig(AppConfig):
    name = "opsplatform"
    verbose_name = _("Platform")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from opsplatform.tenancy import checks  # noqa: F401
