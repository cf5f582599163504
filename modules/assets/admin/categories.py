"""What finance keeps once: categories (depreciation defaults, tag prefix, custom
fields) and suppliers."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from unfold.decorators import display

from modules.assets.models import AssetCategory, CategoryField, Supplier
from opsplatform.admin import TenantModelAdmin, TenantTabularInline, tenant_site


class CategoryFieldInline(TenantTabularInline):
    model = CategoryField
    extra = 0
    fields = ["order", "key", "label", "kind", "choices", "required"]
    ordering = ["order", "pk"]


@admin.register(AssetCategory, site=tenant_site)
class AssetCategoryAdmin(TenantModelAdmin):
    list_display = [
        "name",
        "tag_prefix",
        "depreciable",
        "depreciation_method",
        "useful_life_months",
        "asset_count",
    ]
    search_fields = ["name", "tag_prefix"]
    list_filter = ["depreciable", "depreciation_method"]
    ordering = ["name"]
    inlines = [CategoryFieldInline]
    fieldsets = [
        (None, {"fields": [("name", "tag_prefix"), "description"]}),
        (
            _("Depreciation defaults"),
            {
                "fields": [
                    "depreciable",
                    ("depreciation_method", "useful_life_months", "declining_rate"),
                ]
            },
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(asset_total=Count("assets"))

    @display(description=_("assets"), ordering="asset_total")
    def asset_count(self, obj):
        return getattr(obj, "asset_total", 0)


@admin.register(Supplier, site=tenant_site)
class SupplierAdmin(TenantModelAdmin):
    list_display = ["name", "contact_name", "email", "phone"]
    search_fields = ["name", "contact_name", "email"]
    ordering = ["name"]
    fields = ["name", ("contact_name", "email", "phone"), "notes"]
