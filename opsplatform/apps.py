from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsPlatformConfig(AppConfig):
    name = "opsplatform"
    verbose_name = _("Platform")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_migrate

        from opsplatform.accounts import (
            audit,
            sessions,  # noqa: F401 - connects its receiver
            throttle,
        )
        from opsplatform.files import checks as file_checks  # noqa: F401
        from opsplatform.tenancy import checks  # noqa: F401
        from opsplatform.tenancy.guard import check_restricted_role
        from opsplatform.tenancy.rls import after_migrate

        # Once per migrate run, after every app's tables exist.
        post_migrate.connect(after_migrate, dispatch_uid="opsplatform.rls")
        connection_created.connect(check_restricted_role, dispatch_uid="opsplatform.db_role")
        throttle._connect_strikes()
        audit.connect()
