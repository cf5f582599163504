"""``TenantModel``: the one base of every tenant-owned table.

It carries the non-null ``tenant`` foreign key, a default manager that only
ever sees the current tenant (and raises when there is none), an explicit
``all_tenants`` manager for landlord code, a check that foreign keys never
point into another tenant, and simple-history on every subclass.
"""

from __future__ import annotations

from contextlib import nullcontext

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.utils.text import capfirst, get_text_list
from django.utils.translation import gettext_lazy as _

from opsplatform.audit import AuditedHistoricalRecords
from opsplatform.tenancy.context import get_current_tenant, require_current_tenant, tenant_context


class CrossTenantError(ValueError):
    """A write tried to put a row into, or point a row at, another tenant."""


class TenantQuerySet(models.QuerySet):
    def select_for_update(self, nowait=False, skip_locked=False, of=(), no_key=True):
        """Row locks are ``FOR NO KEY UPDATE`` unless asked otherwise.

        Django's foreign keys are checked at commit with ``FOR KEY SHARE`` on the
        row they point at, and a plain ``FOR UPDATE`` blocks that check. With the
        audit chain's per-company lock (taken at a transaction's first audit write,
        held to commit) that made a cycle: one transaction locks a request, then
        waits for the chain; the other holds the chain and, committing, waits to
        check its foreign key to that request. Our code never changes a key, so
        the weaker lock loses nothing and removes the cycle.
        """
        return super().select_for_update(
            nowait=nowait, skip_locked=skip_locked, of=of, no_key=no_key
        )

    def bulk_create(self, objs, *args, **kwargs):
        """Every bulk create of new rows passes the plan's limits (docs/billing.md)."""
        objs = list(objs)
        if kwargs.get("update_conflicts"):
            return super().bulk_create(objs, *args, **kwargs)
        with _limits_guard(self.model, objs):
            return super().bulk_create(objs, *args, **kwargs)


def _limits_guard(model, objs):
    # Late: billing reads tenant models itself. Refuses past a cap, as a whole.
    from opsplatform.billing.limits import creating_rows

    return creating_rows(model, objs)


class TenantManager(models.Manager.from_queryset(TenantQuerySet)):
    """The default manager: only the current tenant's rows, or an error."""

    def get_queryset(self):
        tenant = require_current_tenant()
        return super().get_queryset().filter(tenant_id=tenant.pk)


class AllTenantsManager(models.Manager.from_queryset(TenantQuerySet)):
    """Every tenant's rows. For landlord code, migrations and maintenance commands only."""


def tenant_relations(model) -> list[models.Field]:
    """Foreign keys and one-to-ones from ``model`` to other tenant-owned models."""
    return [
        field
        for field in model._meta.concrete_fields
        if field.is_relation
        and field.name != "tenant"
        and isinstance(field.related_model, type)
        and issubclass(field.related_model, TenantModel)
    ]


class TenantModel(models.Model):
    tenant = models.ForeignKey(
        "tenants.Tenant",
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        verbose_name=_("company"),
    )

    objects = TenantManager()
    all_tenants = AllTenantsManager()
    history = AuditedHistoricalRecords(inherit=True)

    class Meta:
        abstract = True
        # Related-object access and deletion cascades go through the base
        # manager; they must keep working for landlord code, so it is unfiltered.
        base_manager_name = "all_tenants"

    # -- writes -------------------------------------------------------------

    def save(self, *args, **kwargs):
        current = get_current_tenant()
        if self.tenant_id is None:
            self.tenant = require_current_tenant()
        elif current is not None and self.tenant_id != current.pk:
            raise CrossTenantError(
                f"Cannot save {self._meta.label} of tenant {self.tenant_id} "
                f"while working as tenant {current.pk}."
            )
        # Landlord code may name the row's tenant explicitly; the write then runs
        # as that tenant, so the checks below and row-level security see it.
        with self._own_tenant_context(current):
            errors = self.cross_tenant_reference_errors()
            if errors:
                raise CrossTenantError(f"{self._meta.label}: {errors}")
            if (
                self._state.adding
                and not kwargs.get("force_update")
                and not kwargs.get("update_fields")
            ):
                with _limits_guard(type(self), [self]):
                    super().save(*args, **kwargs)
            else:
                super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        current = get_current_tenant()
        if current is not None and self.tenant_id != current.pk:
            raise CrossTenantError(
                f"Cannot delete {self._meta.label} of tenant {self.tenant_id} "
                f"while working as tenant {current.pk}."
            )
        with self._own_tenant_context(current):
            return super().delete(*args, **kwargs)

    def _own_tenant_context(self, current):
        if current is not None:
            return nullcontext()
        return tenant_context(self.tenant)

    def cross_tenant_reference_errors(self) -> dict[str, str]:
        """Fields whose target belongs to another tenant, with a message for each."""
        errors: dict[str, str] = {}
        for field in tenant_relations(type(self)):
            value = getattr(self, field.attname)
            if value is None:
                continue
            if field.is_cached(self):
                related = field.get_cached_value(self)
                target_tenant = related.tenant_id if related is not None else None
            else:
                target_tenant = (
                    field.related_model._base_manager.filter(pk=value)
                    .values_list("tenant_id", flat=True)
                    .first()
                )
            # Not found is foreign too: under row-level security another
            # tenant's row is simply not there to be read.
            if target_tenant != self.tenant_id:
                errors[field.name] = str(
                    _("Select a valid choice. That choice is not one of the available choices.")
                )
        return errors

    # -- validation ---------------------------------------------------------

    def clean(self):
        super().clean()
        if self.tenant_id is None:
            self.tenant = require_current_tenant()
        errors = self.cross_tenant_reference_errors()
        if errors:
            raise ValidationError(errors)

    def _with_tenant(self, exclude):
        # Forms leave ``tenant`` out (it is not editable), which would make
        # Django skip every unique constraint that starts with it. The tenant
        # is always known, so those constraints are always checked and a clash
        # is a form error rather than an IntegrityError.
        exclude = set(exclude or ())
        exclude.discard("tenant")
        if self.tenant_id is None:
            self.tenant = require_current_tenant()
        return exclude

    def validate_unique(self, exclude=None):
        super().validate_unique(exclude=self._with_tenant(exclude))

    def validate_constraints(self, exclude=None):
        super().validate_constraints(exclude=self._with_tenant(exclude))

    def unique_error_message(self, model_class, unique_check):
        # "Membership with this User already exists", not "... this Company and User ...":
        # within a tenant the company is implied.
        fields = [name for name in unique_check if name != "tenant"]
        if len(fields) == len(unique_check) or not fields:
            return super().unique_error_message(model_class, unique_check)
        opts = model_class._meta
        labels = [capfirst(opts.get_field(name).verbose_name) for name in fields]
        return ValidationError(
            message=_("%(model_name)s with this %(field_labels)s already exists."),
            code="unique_together",
            params={
                "model": self,
                "model_class": model_class,
                "model_name": capfirst(opts.verbose_name),
                "unique_check": unique_check,
                "field_labels": get_text_list(labels, _("and")),
            },
        )


__all__ = [
    "NON_FIELD_ERRORS",
    "AllTenantsManager",
    "CrossTenantError",
    "TenantManager",
    "TenantModel",
    "TenantQuerySet",
    "tenant_relations",
]
