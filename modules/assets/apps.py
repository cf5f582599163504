from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssetsConfig(AppConfig):
    name = "modules.assets"
    label = "assets"
    verbose_name = _("Assets")
    default_auto_field = "django.db.models.BigAutoField"
    # What it adds to the product is declared in module.py (docs/modules.md).
