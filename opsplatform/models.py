"""The kernel's own tables: the audit chain, the periodic-run ledger, spent
one-time tokens and the worker's heartbeat.

Tenant-owned models inherit ``opsplatform.tenancy.models.TenantModel``. (This
module's existence also makes Django send post_migrate to the kernel, which
refreshes the RLS policies and the audit chain's trigger.)
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from opsplatform.tenancy.models import TenantModel

# The chain of landlord tables without a tenant column (users, tenants, domains).
PLATFORM_CHAIN = 0


class AuditChainHead(models.Model):
    """One row per audit chain: the lock a chain's writers queue on.

    One chain per tenant across every audit table (and one for the platform),
    so a transaction that writes several audit tables of one tenant takes one
    lock, in one order, and cannot deadlock against another doing the same.
    Where the chain stands is its newest ``AuditChainLink``: this row is only
    ever locked, never updated, because updating one row thousands of times in
    one transaction (a bulk import) makes each lookup walk every version of it.
    """

    chain_id = models.BigIntegerField(_("chain"), primary_key=True)

    class Meta:
        verbose_name = _("audit chain head")
        verbose_name_plural = _("audit chain heads")

    def __str__(self):
        return str(self.chain_id)


class AuditChainLink(models.Model):
    """Every link of every chain: (chain, sequence number, hash), insert-only.

    Written only by the database's trigger function (owned by the tables'
    owner); the application's role may read it and nothing else
    (audit_chain.restrict_app_role). It outlives a deleted audit row, so
    ``verify_audit`` can tell a deleted row from one that never was.
    """

    pk = models.CompositePrimaryKey("chain_id", "seq")
    chain_id = models.BigIntegerField(_("chain"))
    seq = models.BigIntegerField(_("sequence number"))
    hash = models.CharField(_("hash"), max_length=64)

    class Meta:
        verbose_name = _("audit chain link")
        verbose_name_plural = _("audit chain links")

    def __str__(self):
        return f"{self.chain_id}@{self.seq}"


class SpentNonce(models.Model):
    """A one-time token that has been used (a company-switch hand-off, say).

    Platform data, no tenant: the primary key makes "spend" an insert that
    succeeds once, in whichever process, with the cache up or down
    (opsplatform.onetime). Rows past ``expires_at`` are purged by a periodic
    task; by then the token they guard has expired too.
    """

    nonce = models.CharField(_("nonce"), max_length=128, primary_key=True)
    expires_at = models.DateTimeField(_("expires at"), db_index=True)

    class Meta:
        verbose_name = _("spent nonce")
        verbose_name_plural = _("spent nonces")

    def __str__(self):
        return self.nonce


class WorkerHeartbeat(models.Model):
    """When the task worker last ran its once-a-minute beat (opsplatform.health).

    In the database, not the cache, so /healthz can still tell a late worker
    from a dead cache when Redis is down. One row per name ("huey").
    """

    name = models.CharField(_("name"), max_length=64, primary_key=True)
    beat_at = models.DateTimeField(_("last beat"))

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self):
        return f"{self.name} @ {self.beat_at:%Y-%m-%d %H:%M:%S}"


class SweepRun(TenantModel):
    """One company's run of a periodic job for one period (a day, say): the
    proof that it ran, so a worker back from downtime runs a missed period
    once, and two schedulers cannot both run it (opsplatform.tenancy.sweeps).

    Bookkeeping, not audited: written with ``bulk_create``, so no history rows.
    """

    name = models.CharField(_("job"), max_length=100)
    period = models.CharField(_("period"), max_length=40)
    ran_at = models.DateTimeField(_("ran at"), auto_now_add=True)

    class Meta:
        verbose_name = _("periodic run")
        verbose_name_plural = _("periodic runs")
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "name", "period"], name="sweep_run_once_per_period"
            )
        ]

    def __str__(self):
        return f"{self.name} {self.period}"
