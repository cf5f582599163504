"""The register: an asset, its files, its lifecycle log and its meter readings."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from modules.assets.models.categories import AssetCategory, DepreciationMethod, Supplier
from modules.assets.models.common import MONEY, RATE, UNITS
from opsplatform.audit import AuditChained
from opsplatform.files import DOCUMENTS, IMAGES, MB, PrivateFileField, PrivateImageField
from opsplatform.tenancy.models import TenantModel


class AssetStatus(models.TextChoices):
    """The lifecycle (workflow.py says which moves exist)."""

    IN_STOCK = "in_stock", _("In stock")
    ASSIGNED = "assigned", _("Assigned")
    IN_REPAIR = "in_repair", _("In repair")
    RETIRED = "retired", _("Retired")
    DISPOSED = "disposed", _("Disposed")


class DisposalKind(models.TextChoices):
    SOLD = "sold", _("Sold")
    SCRAPPED = "scrapped", _("Scrapped")


class TagCounter(TenantModel):
    """The last number handed out per tag prefix: LAP-00012 is followed by LAP-00013."""

    prefix = models.CharField(_("prefix"), max_length=10)
    last = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("tag counter")
        verbose_name_plural = _("tag counters")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "prefix"], name="tagcounter_prefix_unique"),
        ]

    def __str__(self):
        return f"{self.prefix}-{self.last:05d}"


class Asset(TenantModel):
    tag = models.CharField(
        _("asset tag"),
        max_length=32,
        blank=True,
        help_text=_("Left empty, the next tag of the category is given (LAP-00012)."),
    )
    name = models.CharField(_("name"), max_length=160)
    serial_number = models.CharField(_("serial number"), max_length=120, blank=True)
    category = models.ForeignKey(
        AssetCategory, on_delete=models.PROTECT, related_name="assets", verbose_name=_("category")
    )
    supplier = models.ForeignKey(
        Supplier,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assets",
        verbose_name=_("supplier"),
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=AssetStatus.choices,
        default=AssetStatus.IN_STOCK,
        editable=False,
    )
    purchase_date = models.DateField(_("purchase date"), default=date.today)
    purchase_cost = models.DecimalField(
        _("purchase cost"),
        **MONEY,
        validators=[MinValueValidator(0)],
        help_text=_("In the company's currency."),
    )
    salvage_value = models.DecimalField(
        _("salvage value"),
        **MONEY,
        default=0,
        validators=[MinValueValidator(0)],
        help_text=_("What it is expected to be worth at the end of its useful life."),
    )
    in_service_date = models.DateField(
        _("in service from"),
        null=True,
        blank=True,
        help_text=_("Depreciation starts here; empty means the purchase date."),
    )
    warranty_end = models.DateField(_("warranty ends"), null=True, blank=True)
    location = models.ForeignKey(
        "employees.WorkLocation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("location"),
    )
    location_detail = models.CharField(
        _("room or shelf"), max_length=120, blank=True, help_text=_("Where in the location.")
    )
    photo = PrivateImageField(
        _("photo"), area="assets/photos", max_size=5 * MB, name_field="photo_name", blank=True
    )
    photo_name = models.CharField(_("photo file name"), max_length=255, blank=True, editable=False)
    # Copied from the category when the asset is registered; finance may change them.
    depreciation_method = models.CharField(
        _("depreciation method"),
        max_length=20,
        choices=DepreciationMethod.choices,
        blank=True,
        help_text=_("Empty means the category's method."),
    )
    useful_life_months = models.PositiveIntegerField(
        _("useful life (months)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(1200)],
        help_text=_("Empty means the category's useful life."),
    )
    declining_rate = models.DecimalField(
        _("declining rate (% a year)"),
        **RATE,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    total_units = models.DecimalField(
        _("expected units over its life"),
        **UNITS,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("For units of production: hours, kilometres or pages it is expected to give."),
    )
    custom_values = models.JSONField(_("custom fields"), default=dict, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    # Disposal: set once, when the asset leaves the company (services/disposal.py).
    disposed_on = models.DateField(_("disposed on"), null=True, blank=True, editable=False)
    disposal_kind = models.CharField(
        _("disposal"), max_length=10, choices=DisposalKind.choices, blank=True, editable=False
    )
    disposal_proceeds = models.DecimalField(
        _("proceeds"), **MONEY, null=True, blank=True, editable=False
    )
    disposal_gain = models.DecimalField(
        _("gain or loss on disposal"),
        **MONEY,
        null=True,
        blank=True,
        editable=False,
        help_text=_("Proceeds less the book value on the day: negative is a loss."),
    )
    # The approved asset request this asset was bought or handed out for.
    request = models.ForeignKey(
        "approvals.ApprovalRequest",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("asset request"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("asset")
        verbose_name_plural = _("assets")
        ordering = ["tag", "pk"]
        permissions = [
            ("manage_custody", _("Can assign, return and transfer assets")),
            ("post_depreciation", _("Can post depreciation, revalue and dispose")),
            ("view_asset_reports", _("Can see and export the asset reports")),
            ("import_assets", _("Can import the register and assignments")),
            ("fulfil_asset_requests", _("Can fulfil asset requests")),
        ]
        constraints = [
            models.UniqueConstraint(
                "tenant",
                Lower("tag"),
                name="asset_tag_unique",
                violation_error_message=_("Another asset has this tag."),
            ),
            models.CheckConstraint(
                condition=~models.Q(tag=""),
                name="asset_has_tag",
                violation_error_message=_("An asset needs a tag."),
            ),
            models.CheckConstraint(
                condition=models.Q(salvage_value__lte=models.F("purchase_cost")),
                name="asset_salvage_within_cost",
                violation_error_message=_("The salvage value cannot be more than the cost."),
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "status"], name="asset_status"),
            models.Index(fields=["tenant", "category"], name="asset_category"),
            models.Index(fields=["tenant", "warranty_end"], name="asset_warranty"),
        ]

    def __str__(self):
        return f"{self.tag} {self.name}".strip()

    @property
    def service_start(self) -> date:
        return self.in_service_date or self.purchase_date

    def method(self) -> str:
        return self.depreciation_method or self.category.depreciation_method

    def life_months(self) -> int:
        return self.useful_life_months or self.category.useful_life_months

    def rate(self):
        return (
            self.declining_rate if self.declining_rate is not None else self.category.declining_rate
        )


class AssetFile(TenantModel):
    """A document or photo of an asset; handover and return photos name their assignment."""

    class Kind(models.TextChoices):
        DOCUMENT = "document", _("Document")
        HANDOVER = "handover", _("Photo at handover")
        RETURN = "return", _("Photo at return")

    asset = models.ForeignKey(
        Asset, on_delete=models.CASCADE, related_name="files", verbose_name=_("asset")
    )
    assignment = models.ForeignKey(
        "assets.Assignment",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="files",
        verbose_name=_("assignment"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.DOCUMENT)
    title = models.CharField(_("title"), max_length=160, blank=True)
    file = PrivateFileField(
        _("file"),
        area="assets/files",
        types=(*DOCUMENTS, *IMAGES),
        max_size=10 * MB,
        name_field="original_name",
        owner="asset",
    )
    original_name = models.CharField(_("file name"), max_length=255, blank=True, editable=False)
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("asset file")
        verbose_name_plural = _("asset files")
        ordering = ["asset", "-uploaded_at", "pk"]

    def __str__(self):
        return self.title or self.original_name


class AssetEvent(TenantModel, AuditChained):
    """One move of the lifecycle: who, when, from, to and why. Only ever added."""

    append_only = True
    audit_time_field = "at"

    asset = models.ForeignKey(
        Asset, on_delete=models.PROTECT, related_name="events", verbose_name=_("asset")
    )
    action = models.CharField(_("action"), max_length=24)
    from_status = models.CharField(
        _("from"), max_length=12, choices=AssetStatus.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=12, choices=AssetStatus.choices)
    reason = models.CharField(_("why"), max_length=500, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("lifecycle event")
        verbose_name_plural = _("lifecycle events")
        ordering = ["asset", "at", "pk"]
        indexes = [models.Index(fields=["tenant", "asset", "at"], name="assetevent_asset")]

    def __str__(self):
        return f"{self.asset_id}: {self.from_status} → {self.to_status}"


class MeterReading(TenantModel):
    """A meter's total on a day (hours run, kilometres, pages): units of production
    depreciation and unit-based maintenance plans read the difference between two."""

    asset = models.ForeignKey(
        Asset, on_delete=models.CASCADE, related_name="readings", verbose_name=_("asset")
    )
    read_on = models.DateField(_("read on"), default=date.today)
    reading = models.DecimalField(_("reading"), **UNITS, validators=[MinValueValidator(0)])

    class Meta:
        verbose_name = _("meter reading")
        verbose_name_plural = _("meter readings")
        ordering = ["asset", "read_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "asset", "read_on"],
                name="meterreading_one_a_day",
                violation_error_message=_("This asset already has a reading on this day."),
            ),
        ]

    def __str__(self):
        return f"{self.read_on}: {self.reading}"
