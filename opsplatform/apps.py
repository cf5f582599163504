from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsPlatformConfig(AppConfig):
    name = "opsplatform"
    verbose_name = _("Platform")
    default_auto_field = "django.db.models.BigAutoField"

    def import_models(self):
        # Before any app's models (this app comes first of the product's): every
        # part's module.py, so a module whose requirement is not installed stops
        # start-up with that message (opsplatform/contract/registry.py).
        from opsplatform.contract.registry import declarations

        declarations()
        super().import_models()

    def ready(self):
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_migrate

        from opsplatform import audit_chain
        from opsplatform.accounts import (
            audit,
            sessions,  # noqa: F401 - connects its receiver
            throttle,
        )
        from opsplatform.files import checks as file_checks  # noqa: F401
        from opsplatform.tenancy import checks  # noqa: F401
        from opsplatform.tenancy.guard import check_restricted_role
        from opsplatform.tenancy.rls import after_migrate

        # Once per migrate run, after every app's tables exist. The audit chain
        # comes second: it takes back the write rights rls grants on every table.
        post_migrate.connect(after_migrate, dispatch_uid="opsplatform.rls")
        post_migrate.connect(audit_chain.after_migrate, dispatch_uid="opsplatform.audit_chain")
        connection_created.connect(check_restricted_role, dispatch_uid="opsplatform.db_role")
        throttle._connect_strikes()
        audit.connect()

        # Every installed part's notifications, outbox handlers and signal
        # receivers, imported once (opsplatform/contract/registry.py).
        from opsplatform.contract.registry import discover

        discover()
