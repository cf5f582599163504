from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmployeesConfig(AppConfig):
    name = "modules.employees"
    label = "employees"
    verbose_name = _("Employees")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from modules.employees import dashboard, handlers  # noqa: F401
