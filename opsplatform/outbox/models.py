"""Outbox messages: one row per effect a committed write still owes.

A message is a tenant row like any other (``TenantModel``, row-level security):
the relay and the sweeper read it inside its company's transaction. Rows are
written and updated with ``bulk_create``/``update`` only, so they leave no
history rows: a message is delivery bookkeeping derived from an audited write,
not a record of its own (as notifications, docs/audit.md).

``OutboxAttention`` is the landlord's read-only window on the messages that
are not done, across companies (a view over a narrow SECURITY DEFINER
function; opsplatform/outbox/crossing.py).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from opsplatform.tenancy.models import TenantModel


class Status(models.TextChoices):
    PENDING = "pending", _("Pending")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class OutboxMessage(TenantModel):
    Status = Status

    handler = models.CharField(_("handler"), max_length=100)
    payload = models.JSONField(_("payload"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"))
    last_error = models.TextField(_("last error"), blank=True)
    # Non-empty: at most one pending message of this handler with this key
    # (a second emit while one waits is a no-op: the waiting one does the work).
    dedupe_key = models.CharField(_("dedupe key"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)

    class Meta:
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        indexes = [
            # The sweeper's question, per company: what is pending and due?
            models.Index(fields=["tenant", "status", "next_attempt_at"], name="tenant_outbox_due"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "handler", "dedupe_key"],
                condition=Q(status="pending") & ~Q(dedupe_key=""),
                name="tenant_outbox_one_pending_per_key",
            ),
        ]

    def __str__(self):
        return f"{self.handler} #{self.pk}"


class OutboxAttention(models.Model):
    """Messages not done, of every company: what platform staff watch (read-only)."""

    Status = Status

    tenant = models.ForeignKey(
        "tenants.Tenant",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        verbose_name=_("company"),
    )
    handler = models.CharField(_("handler"), max_length=100)
    payload = models.JSONField(_("payload"), default=dict)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    attempts = models.PositiveIntegerField(_("attempts"))
    next_attempt_at = models.DateTimeField(_("next attempt"))
    last_error = models.TextField(_("last error"))
    dedupe_key = models.CharField(_("dedupe key"), max_length=200)
    created_at = models.DateTimeField(_("created"))
    delivered_at = models.DateTimeField(_("delivered"), null=True)

    class Meta:
        managed = False
        db_table = "outbox_attention"
        verbose_name = _("undelivered message")
        verbose_name_plural = _("undelivered messages")
        ordering = ["-created_at", "-id"]
        permissions = [("retry_outboxattention", _("Can retry an undelivered message"))]

    def __str__(self):
        return f"{self.handler} #{self.pk}"
