"""Maintenance plans (every N months or units, for an asset or a category) and
work orders (cost, vendor, downtime). Starting and finishing a work order moves
the asset into repair and back (services/maintenance.py)."""

from __future__ import annotations

from django.contrib import admin
from django.urls import path
from django.utils.translation import gettext_lazy as _
from unfold.contrib.filters.admin import ChoicesDropdownFilter, RangeDateFilter
from unfold.decorators import action

from modules.assets.admin import maintenance_actions as work
from modules.assets.models import MaintenancePlan, WorkOrder
from opsplatform.admin import TenantModelAdmin, tenant_site
from opsplatform.admin.actions import renders_on_get


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

    # Start, finish and cancel (admin/maintenance_actions.py): POST only.
    actions_detail = ["start", "finish", "cancel"]

    def get_urls(self):
        from modules.assets.admin.maintenance_calendar import MaintenanceCalendarPage

        wrap = self.admin_site.admin_view
        return [
            path(
                "calendar/",
                wrap(MaintenanceCalendarPage.as_view(model_admin=self)),
                name="assets_workorder_calendar",
            ),
        ] + super().get_urls()

    def has_manage_maintenance_permission(self, request, object_id=None):
        return request.user.has_perm("assets.manage_maintenance")

    @action(description=_("Start: into repair"), icon="build", permissions=["manage_maintenance"])
    def start(self, request, object_id):
        return work.start_view(self, request, object_id)

    @renders_on_get  # a link to the finish form, which writes on its own POST
    @action(
        description=_("Finish: back in service"),
        icon="task_alt",
        permissions=["manage_maintenance"],
    )
    def finish(self, request, object_id):
        return work.FinishWorkOrderPage.as_view(model_admin=self)(request, object_id=object_id)

    @action(description=_("Cancel"), icon="cancel", permissions=["manage_maintenance"])
    def cancel(self, request, object_id):
        return work.cancel_view(self, request, object_id)
