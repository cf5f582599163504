"""The depreciation ledger, read-only: every posted month, revaluation and
disposal. Nobody adds, edits or deletes an entry here; the services post them
(services/depreciation.py) and on PostgreSQL the database refuses the rest."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from unfold.contrib.filters.admin import ChoicesDropdownFilter, RangeDateFilter

from modules.assets.admin.reports import report_urls
from modules.assets.models import DepreciationEntry
from opsplatform.admin import TenantModelAdmin, tenant_site


@admin.register(DepreciationEntry, site=tenant_site)
class DepreciationEntryAdmin(TenantModelAdmin):
    list_display = ["period", "asset", "kind", "amount", "book_value", "reason", "created_by"]
    list_select_related = ["asset", "created_by"]
    list_filter = [("kind", ChoicesDropdownFilter), ("period", RangeDateFilter)]
    list_filter_submit = True
    search_fields = ["asset__tag", "asset__name"]
    search_help_text = _("Asset tag or name")
    ordering = ["-period", "-pk"]
    readonly_fields = [
        "asset",
        "kind",
        "period",
        "amount",
        "book_value",
        "reason",
        "created_by",
        "created_at",
    ]
    fields = readonly_fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        return report_urls(self) + super().get_urls()
