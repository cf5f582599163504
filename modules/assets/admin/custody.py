"""Custody history: every hand-out of every asset, open or returned. Rows are
written by assign, return and transfer only (services/custody.py), so the list
is read-only."""

from __future__ import annotations

from django.contrib import admin
from django.urls import path
from django.utils.translation import gettext_lazy as _
from unfold.contrib.filters.admin import RangeDateFilter, RelatedDropdownFilter
from unfold.decorators import display

from modules.assets.admin.my_assets import MyAssetsPage
from modules.assets.models import Assignment
from opsplatform.admin import TenantModelAdmin, tenant_site


class OpenFilter(admin.SimpleListFilter):
    title = _("held now")
    parameter_name = "open"

    def lookups(self, request, model_admin):
        return [("yes", _("Held now")), ("overdue", _("Overdue")), ("no", _("Returned"))]

    def queryset(self, request, queryset):
        from django.utils import timezone

        if self.value() == "yes":
            return queryset.filter(returned_at__isnull=True)
        if self.value() == "overdue":
            return queryset.filter(
                returned_at__isnull=True, expected_return__lt=timezone.localdate()
            )
        if self.value() == "no":
            return queryset.filter(returned_at__isnull=False)
        return queryset


@admin.register(Assignment, site=tenant_site)
class AssignmentAdmin(TenantModelAdmin):
    list_display = [
        "asset",
        "holder_display",
        "assigned_at",
        "expected_return",
        "returned_at",
        "condition_out",
        "condition_in",
    ]
    list_select_related = ["asset", "employee", "department"]
    list_filter = [
        OpenFilter,
        ("department", RelatedDropdownFilter),
        ("assigned_at", RangeDateFilter),
    ]
    list_filter_submit = True
    search_fields = ["asset__tag", "asset__name", "employee__first_name", "employee__last_name"]
    search_help_text = _("Asset tag or name, or the holder's name")
    ordering = ["-assigned_at", "-pk"]
    readonly_fields = [
        "asset",
        "employee",
        "department",
        "assigned_at",
        "expected_return",
        "condition_out",
        "returned_at",
        "condition_in",
        "transferred_to",
        "request",
        "assigned_by",
        "returned_by",
    ]
    fields = readonly_fields

    @display(description=_("holder"))
    def holder_display(self, obj):
        return obj.holder

    def lookup_allowed(self, lookup, value, request=None):
        # An employee's page links here narrowed to them (links.assets_held_url).
        if lookup == "employee__id__exact":
            return True
        return super().lookup_allowed(lookup, value, request)

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("mine/", wrap(MyAssetsPage.as_view(model_admin=self)), name="assets_my_assets"),
        ] + super().get_urls()

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
