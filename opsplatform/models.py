"""The kernel's own table: the head of each audit chain.

Tenant-owned models inherit ``opsplatform.tenancy.models.TenantModel``. (This
module's existence also makes Django send post_migrate to the kernel, which
refreshes the RLS policies and the audit chain's trigger.)
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

# The chain of landlord tables without a tenant column (users, tenants, domains).
PLATFORM_CHAIN = 0


class AuditChainHead(models.Model):
    """Where each tenant's audit chain stands: its last sequence number and hash.

    One row per tenant across every audit table (and one for the platform), so
    a transaction that writes several audit tables of one tenant takes one lock,
    in one order, and cannot deadlock against another doing the same. Only the
    database's trigger function (owned by the tables' owner) writes it; the
    application's role may only read it (audit_chain.restrict_app_role).
    """

    chain_id = models.BigIntegerField(_("chain"), primary_key=True)
    seq = models.BigIntegerField(_("last sequence number"), default=0)
    hash = models.CharField(_("last hash"), max_length=64, default="", blank=True)

    class Meta:
        verbose_name = _("audit chain head")
        verbose_name_plural = _("audit chain heads")

    def __str__(self):
        return f"{self.chain_id}@{self.seq}"
