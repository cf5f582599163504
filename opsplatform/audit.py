"""Audit: simple-history on every domain model, with user, tenant and reason.

``AuditedHistoricalRecords`` is what every model uses instead of a bare
``HistoricalRecords``: the user comes from the request (simple-history's
middleware), the tenant is the tenant column copied onto every historical row
of a tenant model, and the reason is ``history_change_reason`` (set it with
:func:`with_reason`).

History is tenant data too (tenancy invariant 10). The historical model of a
tenant model fails closed like its model: ``Model.history``, ``instance.history``
and the historical model's default manager raise ``TenantNotSetError`` outside a
tenant and see only the current tenant inside one. Landlord and maintenance code
that must read across tenants says so: ``Model.history.all_tenants()`` or
``HistoricalModel.all_tenants``.

Every audit table also carries ``audit_seq`` and ``audit_hash``: a per-tenant
hash chain that only the database writes (see opsplatform/audit_chain.py and
docs/audit.md).
"""

from __future__ import annotations

from contextlib import contextmanager

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.manager import HistoricalQuerySet, HistoryManager
from simple_history.models import HistoricalChanges, HistoricalRecords

from opsplatform.tenancy.context import require_current_tenant

# Columns the database fills on insert (audit_chain.py); never copied into history.
CHAIN_FIELDS = ("audit_seq", "audit_hash")


class AuditChained(models.Model):
    """The two chain columns of an audit table, set by the database's trigger.

    Simple-history tables get them through ``AuditedHistoricalRecords``; an
    append-only ledger (``append_only = True``, like the approvals gate log)
    inherits this mixin and names its time column in ``audit_time_field`` so
    the database stamps it with its own clock.
    """

    audit_seq = models.BigIntegerField(_("audit sequence"), null=True, editable=False)
    audit_hash = models.CharField(_("audit hash"), max_length=64, null=True, editable=False)

    # The column the trigger overwrites with the database's clock (None: none).
    audit_time_field: str | None = None

    class Meta:
        abstract = True


class TenantHistoricalManager(models.Manager.from_queryset(HistoricalQuerySet)):
    """Default manager of a tenant model's historical model: the current tenant or an error."""

    def get_queryset(self):
        tenant = require_current_tenant()
        return super().get_queryset().filter(tenant_id=tenant.pk)


class AllTenantsHistoricalManager(models.Manager.from_queryset(HistoricalQuerySet)):
    """Every tenant's history. For landlord code and maintenance commands only."""


class PlatformHistoricalModel(AuditChained):
    """Base of the historical models of landlord tables (users, tenants, domains)."""

    audit_time_field = "history_date"
    tenant_scoped = False

    class Meta:
        abstract = True


class TenantHistoricalModel(AuditChained):
    """Base of the historical models of tenant models: fails closed like ``TenantModel``."""

    audit_time_field = "history_date"
    tenant_scoped = True

    # The first manager is the default one: simple-history's own writes
    # (bulk_history_create) and Django's generic code go through it.
    objects = TenantHistoricalManager()
    all_tenants = AllTenantsHistoricalManager()

    class Meta:
        abstract = True


class M2MHistoricalModel(AuditChained):
    """Base of simple-history's many-to-many history tables (e.g. a user's groups).

    Their rows belong to the history row they hang off; they have no time
    column of their own and no tenant column, so they join the platform chain.
    """

    class Meta:
        abstract = True


class AuditedHistoryManager(HistoryManager):
    """``Model.history`` / ``instance.history``, scoped to the current tenant for tenant models.

    simple-history builds every one of its reads (``as_of``, ``most_recent``,
    ``prev_record``, the admin's history view) on ``get_super_queryset``, so
    scoping it here scopes them all.
    """

    def _scoped(self) -> bool:
        return getattr(self.model, "tenant_scoped", False)

    def get_super_queryset(self):
        qs = super().get_super_queryset()
        if self._scoped():
            qs = qs.filter(tenant_id=require_current_tenant().pk)
        return qs

    def all_tenants(self):
        """This history across every tenant: landlord and maintenance code only."""
        qs = super().get_super_queryset()
        if self.instance is None:
            return qs
        return qs.filter(**{self.instance._meta.pk.attname: self.instance.pk})


class AuditedHistoricalRecords(HistoricalRecords):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("excluded_fields", [])
        kwargs.setdefault("cascade_delete_history", False)
        kwargs.setdefault("history_manager", AuditedHistoryManager)
        kwargs.setdefault("m2m_bases", (M2MHistoricalModel,))
        super().__init__(*args, **kwargs)

    def finalize(self, sender, **kwargs):
        # An append-only ledger is its own audit: its rows are never changed,
        # and the database chains each one (audit_chain.py), so a history table
        # would only copy it. A ledger that had one retires it (docs/audit.md,
        # "Retiring an audit source").
        if getattr(sender, "append_only", False):
            return
        super().finalize(sender, **kwargs)

    def create_history_model(self, model, inherited):
        # One HistoricalRecords object serves every TenantModel subclass
        # (inherit=True), so the base is chosen per model, not once in __init__.
        from opsplatform.tenancy.models import TenantModel

        base = TenantHistoricalModel if issubclass(model, TenantModel) else PlatformHistoricalModel
        extra = tuple(b for b in self.bases if b not in (HistoricalChanges, models.Model))
        # A model may keep columns in its history that it no longer has (abstract
        # bases): dropping them would rewrite chained audit rows (docs/audit.md).
        extra = (*extra, *getattr(model, "history_extra_bases", ()))
        shared = self.bases
        self.bases = (HistoricalChanges, *extra, base)
        try:
            return super().create_history_model(model, inherited)
        finally:
            self.bases = shared

    def fields_included(self, model):
        # A ledger's own chain columns belong to its chain, not to its history's;
        # a generated column is derived from the ones history already keeps.
        return [
            f
            for f in super().fields_included(model)
            if f.name not in CHAIN_FIELDS and not getattr(f, "generated", False)
        ]


@contextmanager
def with_reason(instance, reason: str):
    """Save ``instance`` inside this block and its history row carries ``reason``.

    Prefer this to simple-history's ``update_change_reason``: that one rewrites
    the history row after the fact, which the append-only audit tables refuse to
    the application's role on PostgreSQL.
    """
    instance._change_reason = reason
    try:
        yield instance
    finally:
        instance.__dict__.pop("_change_reason", None)
