"""Maintenance plans (every N months or units, for an asset or a category) and
work orders (cost, vendor, downtime). Starting and finishing a work order moves
the asset into repair and back (services/maintenance.py)."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from unfold.contrib.filters.admin import ChoicesDropdownFilter, RangeDateFilter

from modules.assets.models import MaintenancePlan, WorkOrder
from opsplatform.admin import TenantModelAdmin, tenant_site


@admin.register(MaintenancePlan, site=tenant_site)
class MaintenancePlanAdmin(TenantModelAdmin):
    list_display = [
        "title",
        "asset",
        "category",
        "every_months",
        "every_units",
        "starts_on",
        "active",
    ]
    list_select_related = ["asset", "category"]
    list_filter = ["active", "category"]
    search_fields = ["title", "asset__tag", "asset__name"]
    ordering = ["title"]
    autocomplete_fields = ["asset"]
    fieldsets = [
        (None, {"fields": ["title", ("asset", "category"), "active"]}),
        (_("How often"), {"fields": [("every_months", "every_units"), ("starts_on", "lead_days")]}),
        (_("Service"), {"fields": ["vendor", "instructions"]}),
    ]


@admin.register(WorkOrder, site=tenant_site)
class WorkOrderAdmin(TenantModelAdmin):
    list_display = ["title", "asset", "kind", "status", "due_on", "vendor", "cost"]
    list_select_related = ["asset", "vendor"]
    list_filter = [
        ("status", ChoicesDropdownFilter),
        ("kind", ChoicesDropdownFilter),
        ("due_on", RangeDateFilter),
    ]
    list_filter_submit = True
    search_fields = ["title", "asset__tag", "asset__name"]
    ordering = ["-created_at", "-pk"]
    autocomplete_fields = ["asset"]
    readonly_fields = ["status", "plan", "plan_due_on", "started_at", "finished_at"]
    fieldsets = [
        (None, {"fields": ["title", "asset", "kind", "description", "due_on"]}),
        (_("Cost"), {"fields": [("vendor", "cost")]}),
        (
            _("Progress"),
            {
                "fields": [
                    "status",
                    "plan",
                    "plan_due_on",
                    "started_at",
                    "finished_at",
                    "resolution",
                ]
            },
        ),
    ]
