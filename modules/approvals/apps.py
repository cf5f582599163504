from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApprovalsConfig(AppConfig):
    name = "modules.approvals"
    label = "approvals"
    verbose_name = _("Approvals")
    default_auto_field = "django.db.models.BigAutoField"
    # What it adds to the product is declared in module.py (docs/modules.md);
    # django-rules imports rules.py.
