from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LeaveConfig(AppConfig):
    name = "modules.leave"
    label = "leave"
    verbose_name = _("Leave")
    default_auto_field = "django.db.models.BigAutoField"
    # What it adds to the product is declared in module.py (docs/modules.md).
