"""import-export resources that cannot reach into another tenant.

The resource never reads or writes the ``tenant`` column: rows belong to the
tenant that imports them, and foreign keys are looked up through the default
(tenant-filtered) manager, so a name or id from another company is "not found".
"""

from __future__ import annotations

from functools import cache

from import_export import resources

from opsplatform.tenancy.context import require_current_tenant


class TenantModelResource(resources.ModelResource):
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
