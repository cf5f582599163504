"""System checks that keep the tenancy invariants true as models are added."""

from django.apps import apps
from django.core import checks
from django.db.models import Index, UniqueConstraint


def _first_column(item) -> str | None:
    fields = list(getattr(item, "fields", None) or [])
    if fields:
        return fields[0]
    expressions = getattr(item, "expressions", None) or ()
    return getattr(expressions[0], "name", None) if expressions else None


@checks.register(checks.Tags.models)
def tenant_constraints_start_with_tenant(app_configs=None, **kwargs):
    """Invariant 6: unique constraints and indexes of tenant models start with ``tenant``."""
    from opsplatform.tenancy.models import TenantModel

    errors = []
    for model in apps.get_models():
        if not issubclass(model, TenantModel):
            continue
        for item in [*model._meta.constraints, *model._meta.indexes]:
            if not isinstance(item, UniqueConstraint | Index):
                continue
            if _first_column(item) not in ("tenant", "tenant_id"):
                errors.append(
                    checks.Error(
                        f"{model._meta.label}: {item.name} does not start with tenant.",
                        hint="Put 'tenant' first so lookups and uniqueness are per company.",
                        obj=model,
                        id="tenancy.E001",
                    )
                )
    return errors
