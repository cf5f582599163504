"""Plans, each company's subscription, its invoices and Stripe's webhook events.

All four are platform tables, like Tenant and Domain: a webhook arrives before
any company is known and is matched to one by its Stripe customer, and the
gating reads a company's plan on every request. Each row that belongs to a
company names it (``tenant``); the owner's billing page reads only its own
company's rows (opsplatform.billing.selectors).
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from opsplatform.audit import AuditedHistoricalRecords


class Plan(models.Model):
    """A tier: its prices, the features it switches on and the limits it sets.

    ``features`` lists feature codes (the ones modules declare, opsplatform.contract
    Feature); ``limits`` maps a limit code (Limit) to its cap, where a missing code
    or ``null`` means unlimited. Loaded from ``fixtures/plans.json`` by
    ``manage.py load_plans``.
    """

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=64)
    tier = models.PositiveSmallIntegerField(
        _("tier"), default=1, help_text=_("Higher tiers include more; the order of upgrades.")
    )
    currency = models.CharField(_("currency"), max_length=3, default="USD")
    monthly_amount = models.DecimalField(
        _("monthly price"), max_digits=10, decimal_places=2, default=Decimal("0")
    )
    yearly_amount = models.DecimalField(
        _("yearly price"), max_digits=10, decimal_places=2, default=Decimal("0")
    )
    stripe_monthly_price = models.CharField(_("Stripe monthly price id"), max_length=64, blank=True)
    stripe_yearly_price = models.CharField(_("Stripe yearly price id"), max_length=64, blank=True)
    features = models.JSONField(_("features"), default=list, blank=True)
    limits = models.JSONField(_("limits"), default=dict, blank=True)
    trial_days = models.PositiveSmallIntegerField(_("trial days"), default=0)
    is_public = models.BooleanField(
        _("offered"), default=True, help_text=_("Shown to companies as a plan they can choose.")
    )

    history = AuditedHistoricalRecords()

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering = ["tier", "code"]

    def __str__(self):
        return self.name

    def has_feature(self, code: str) -> bool:
        return code in (self.features or [])

    def cap(self, code: str) -> int | None:
        """The cap on limit ``code`` (None: unlimited)."""
        value = (self.limits or {}).get(code)
        return None if value is None else int(value)


class Subscription(models.Model):
    """A company's plan and where it stands: one row per company."""

    class Status(models.TextChoices):
        TRIALING = "trialing", _("Trialing")
        ACTIVE = "active", _("Active")
        PAST_DUE = "past_due", _("Past due")
        CANCELLED = "cancelled", _("Cancelled")
        INCOMPLETE = "incomplete", _("Incomplete")

    class Interval(models.TextChoices):
        MONTH = "month", _("Monthly")
        YEAR = "year", _("Yearly")

    tenant = models.OneToOneField(
        "tenants.Tenant",
        on_delete=models.CASCADE,
        related_name="subscription",
        verbose_name=_("company"),
    )
    plan = models.ForeignKey(
        Plan, on_delete=models.PROTECT, related_name="subscriptions", verbose_name=_("plan")
    )
    interval = models.CharField(
        _("interval"), max_length=8, choices=Interval.choices, default=Interval.MONTH
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE, db_index=True
    )
    trial_ends_at = models.DateTimeField(_("trial ends"), null=True, blank=True)
    current_period_end = models.DateTimeField(_("renews"), null=True, blank=True)
    cancel_at_period_end = models.BooleanField(_("cancels at period end"), default=False)
    next_amount = models.DecimalField(
        _("next amount"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    # Past due: the company keeps writing until then; after it, read-only.
    grace_until = models.DateTimeField(_("grace period ends"), null=True, blank=True)
    stripe_customer = models.CharField(
        _("Stripe customer"), max_length=64, blank=True, db_index=True
    )
    stripe_subscription = models.CharField(
        _("Stripe subscription"), max_length=64, blank=True, db_index=True
    )
    # The Stripe ``created`` time of the newest event applied to this row: an older
    # event arriving late does not roll the state back (docs/billing.md).
    stripe_synced_at = models.DateTimeField(_("last Stripe change"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = AuditedHistoricalRecords()

    class Meta:
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")

    def __str__(self):
        return f"{self.tenant} · {self.plan}"

    def is_read_only(self, now=None) -> bool:
        """Past due and beyond the grace period: every page reads, nothing writes."""
        if self.status != self.Status.PAST_DUE or self.grace_until is None:
            return False
        return (now or timezone.now()) >= self.grace_until


class Invoice(models.Model):
    """A Stripe invoice of a company, as the billing page lists it."""

    tenant = models.ForeignKey(
        "tenants.Tenant",
        on_delete=models.CASCADE,
        related_name="invoices",
        verbose_name=_("company"),
    )
    stripe_id = models.CharField(_("Stripe invoice"), max_length=64, unique=True)
    number = models.CharField(_("number"), max_length=64, blank=True)
    status = models.CharField(_("status"), max_length=16, blank=True)
    currency = models.CharField(_("currency"), max_length=3, default="USD")
    amount_due = models.DecimalField(_("amount due"), max_digits=10, decimal_places=2, default=0)
    amount_paid = models.DecimalField(_("amount paid"), max_digits=10, decimal_places=2, default=0)
    hosted_url = models.URLField(_("invoice page"), max_length=500, blank=True)
    pdf_url = models.URLField(_("PDF"), max_length=500, blank=True)
    period_start = models.DateTimeField(_("period start"), null=True, blank=True)
    period_end = models.DateTimeField(_("period end"), null=True, blank=True)
    created_at = models.DateTimeField(_("issued"), default=timezone.now)

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["tenant", "-created_at"], name="invoice_tenant_created")]

    def __str__(self):
        return self.number or self.stripe_id


class WebhookEvent(models.Model):
    """One Stripe event, stored before anything is done with it, processed once."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        PROCESSED = "processed", _("Processed")
        IGNORED = "ignored", _("Ignored")
        FAILED = "failed", _("Failed")

    stripe_id = models.CharField(_("Stripe event"), max_length=64, unique=True)
    type = models.CharField(_("type"), max_length=64, db_index=True)
    payload = models.JSONField(_("payload"))
    created = models.DateTimeField(_("created at Stripe"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.RECEIVED, db_index=True
    )
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    tenant = models.ForeignKey(
        "tenants.Tenant",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("company"),
    )
    received_at = models.DateTimeField(_("received"), auto_now_add=True)
    processed_at = models.DateTimeField(_("processed"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook event")
        verbose_name_plural = _("webhook events")
        ordering = ["-received_at"]

    def __str__(self):
        return f"{self.type} {self.stripe_id}"
