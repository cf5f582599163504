"""What finance keeps once: categories (with their depreciation defaults and custom
fields), suppliers."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from modules.assets.models.common import RATE
from opsplatform.tenancy.models import TenantModel

FIELD_KEY = RegexValidator(
    r"^[a-z][a-z0-9_]{0,39}$",
    _("Use lower-case letters, digits and underscores, starting with a letter (ram_gb)."),
)


class DepreciationMethod(models.TextChoices):
    STRAIGHT_LINE = "straight_line", _("Straight line")
    DECLINING_BALANCE = "declining_balance", _("Declining balance")
    UNITS_OF_PRODUCTION = "units_of_production", _("Units of production")


class AssetCategory(TenantModel):
    name = models.CharField(_("name"), max_length=120)
    # The prefix of the tags the register generates for this category (LAP-00012).
    tag_prefix = models.CharField(
        _("tag prefix"),
        max_length=10,
        blank=True,
        validators=[RegexValidator(r"^[A-Z0-9-]*$", _("Use capital letters, digits and -."))],
        help_text=_("New assets in this category get tags like LAP-00012."),
    )
    depreciable = models.BooleanField(_("depreciable"), default=True)
    depreciation_method = models.CharField(
        _("default depreciation method"),
        max_length=20,
        choices=DepreciationMethod.choices,
        default=DepreciationMethod.STRAIGHT_LINE,
    )
    useful_life_months = models.PositiveIntegerField(
        _("default useful life (months)"),
        default=36,
        validators=[MinValueValidator(1), MaxValueValidator(1200)],
    )
    declining_rate = models.DecimalField(
        _("default declining rate (% a year)"),
        **RATE,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("asset category")
        verbose_name_plural = _("asset categories")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                "tenant",
                Lower("name"),
                name="assetcategory_name_unique",
                violation_error_message=_("A category with this name already exists."),
            ),
        ]

    def __str__(self):
        return self.name


class CategoryField(TenantModel):
    """A custom field the category's assets carry (a laptop's RAM, a vehicle's plate)."""

    class Kind(models.TextChoices):
        TEXT = "text", _("Text")
        NUMBER = "number", _("Number")
        DATE = "date", _("Date")
        CHOICE = "choice", _("Choice")

    category = models.ForeignKey(
        AssetCategory,
        on_delete=models.CASCADE,
        related_name="custom_fields",
        verbose_name=_("category"),
    )
    key = models.CharField(_("key"), max_length=40, validators=[FIELD_KEY])
    label = models.CharField(_("label"), max_length=80)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.TEXT)
    choices = models.CharField(
        _("choices"),
        max_length=500,
        blank=True,
        help_text=_("For a choice: the options, separated by commas."),
    )
    required = models.BooleanField(_("required"), default=False)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("custom field")
        verbose_name_plural = _("custom fields")
        ordering = ["category", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "category", "key"],
                name="categoryfield_key_unique",
                violation_error_message=_("This category already has a field with this key."),
            ),
        ]

    def __str__(self):
        return self.label

    def options(self) -> list[str]:
        return [part.strip() for part in self.choices.split(",") if part.strip()]


class Supplier(TenantModel):
    name = models.CharField(_("name"), max_length=160)
    contact_name = models.CharField(_("contact"), max_length=120, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("supplier")
        verbose_name_plural = _("suppliers")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                "tenant",
                Lower("name"),
                name="supplier_name_unique",
                violation_error_message=_("A supplier with this name already exists."),
            ),
        ]

    def __str__(self):
        return self.name
