"""The register's export (the asset list's Export): categories, suppliers and
locations by name, as the import reads them back (importing/register.py)."""

from __future__ import annotations

from import_export import fields

from modules.assets.models import Asset
from opsplatform.admin.resources import TenantModelResource


class AssetResource(TenantModelResource):
    category = fields.Field(attribute="category__name", column_name="category")
    supplier = fields.Field(attribute="supplier__name", column_name="supplier")
    location = fields.Field(attribute="location__name", column_name="location")

    class Meta:
        model = Asset
        fields = (
            "tag",
            "name",
            "serial_number",
            "category",
            "supplier",
            "status",
            "purchase_date",
            "purchase_cost",
            "salvage_value",
            "warranty_end",
            "location",
            "location_detail",
            "custom_values",
        )
        export_order = fields

    def get_queryset(self):
        return super().get_queryset().select_related("category", "supplier", "location")
