"""import-export resources that cannot reach into another tenant.

The resource never reads or writes the ``tenant`` column: rows belong to the
tenant that imports them, and foreign keys are looked up through the default
(tenant-filtered) manager, so a name or id from another company is "not found".
"""

from __future__ import annotations

from functools import cache

from import_export import resources

from opsplatform import confidential
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


class _Nobody:
    """A viewer with no permission at all (see ``SafeExportMixin``)."""

    def has_perm(self, perm, obj=None) -> bool:
        return False


_NOBODY = _Nobody()


def unescape_formula(value: str) -> str:
    if value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


class SafeExportMixin:
    """Export that escapes formulas and leaves out what the viewer may not read.

    ``viewer`` is the person the file is for (the admin passes it); a column
    whose attribute path touches a confidential field they may not read
    (``salary``, ``employee__salary``) is not in their file. Without a viewer
    every confidential column is left out: a file made for nobody in
    particular shows nothing confidential.
    """

    def __init__(self, *args, viewer=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.viewer = viewer

    def get_export_fields(self, selected_fields=None):
        export_fields = super().get_export_fields(selected_fields)
        return [f for f in export_fields if not self._confidential_for_viewer(f)]

    def _confidential_for_viewer(self, field) -> bool:
        model = self._meta.model
        if model is None:
            return False
        path = field.attribute or field.column_name or ""
        if self.viewer is None:
            return confidential.path_is_hidden(_NOBODY, model, path)
        return confidential.path_is_hidden(self.viewer, model, path)

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
