from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmployeesConfig(AppConfig):
    name = "modules.employees"
    label = "employees"
    verbose_name = _("Employees")
    default_auto_field = "django.db.models.BigAutoField"
    # What it adds to the product is declared in module.py; its signal receivers
    # (handlers.py) are imported by the kernel's discovery (docs/modules.md).
