"""import-export resources that cannot reach into another tenant.

The resource never reads or writes the ``tenant`` column: rows belong to the
tenant that imports them, and foreign keys are looked up through the default
(tenant-filtered) manager, so a name or id from another company is "not found".
"""

from __future__ import annotations

from functools import cache

from import_export import resources

from opsplatform.tenancy.context import require_current_tenant

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def escape_formula(value):
    """Text a spreadsheet would run as a formula gets a leading apostrophe.

    (import-export's own IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT only strips a
    leading "=", which changes the text and leaves "+", "-" and "@" live.)
    Imports remove the apostrophe again (``unescape_formula``).
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def unescape_formula(value: str) -> str:
    if value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


class SafeExportMixin:
    def export_field(self, field, instance, **kwargs):
        value = super().export_field(field, instance, **kwargs)
        # Empty stays empty in every format (XLSX would otherwise get the text "None").
        return "" if value is None else escape_formula(value)


class TenantModelResource(SafeExportMixin, resources.ModelResource):
    def get_queryset(self):
        require_current_tenant()
        return super().get_queryset()

    def before_save_instance(self, instance, row, **kwargs):
        instance.tenant = require_current_tenant()
        super().before_save_instance(instance, row, **kwargs)


@cache
def tenant_resource_factory(model):
    meta = type("Meta", (), {"model": model, "exclude": ("tenant",)})
    return type(f"{model.__name__}TenantResource", (TenantModelResource,), {"Meta": meta})
