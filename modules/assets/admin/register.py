"""The register and an asset's page: its files and photos, custody history and
lifecycle log. New assets get the category's next tag (services/register.py)."""

from __future__ import annotations

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from unfold.contrib.filters.admin import (
    ChoicesDropdownFilter,
    RangeDateFilter,
    RelatedDropdownFilter,
)
from unfold.decorators import action, display

from modules.assets.admin.custody_actions import CUSTODY_ACTIONS, CustodyActions
from modules.assets.admin.depreciation_actions import DepreciationActions
from modules.assets.admin.labels import print_labels, render_labels
from modules.assets.forms import AssetForm
from modules.assets.models import (
    Asset,
    AssetEvent,
    AssetFile,
    AssetStatus,
    Assignment,
    MeterReading,
)
from modules.assets.resources import AssetResource
from modules.assets.services.register import asset_save
from opsplatform.admin import TenantModelAdmin, TenantTabularInline, tenant_site
from opsplatform.admin.actions import renders_on_get

STATUS_COLOURS = {
    AssetStatus.IN_STOCK: "info",
    AssetStatus.ASSIGNED: "success",
    AssetStatus.IN_REPAIR: "warning",
    AssetStatus.RETIRED: "",
    AssetStatus.DISPOSED: "danger",
}


class AssetFileInline(TenantTabularInline):
    model = AssetFile
    extra = 0
    fields = ["kind", "title", "file", "uploaded_at"]
    readonly_fields = ["uploaded_at"]


class ReadOnlyInline(TenantTabularInline):
    """A record shown on the asset's page, never edited there."""

    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class CustodyInline(ReadOnlyInline):
    model = Assignment
    verbose_name_plural = _("custody history")
    fields = [
        "employee",
        "department",
        "assigned_at",
        "expected_return",
        "condition_out",
        "returned_at",
        "condition_in",
    ]
    readonly_fields = fields
    ordering = ["-assigned_at", "-pk"]

    def get_queryset(self, request):
        # Each row shows its holder and names its asset: joined, not a query each.
        return super().get_queryset(request).select_related("asset", "employee", "department")


class EventInline(ReadOnlyInline):
    model = AssetEvent
    verbose_name_plural = _("lifecycle")
    fields = ["at", "action", "from_status", "to_status", "reason", "by"]
    readonly_fields = fields
    ordering = ["-at", "-pk"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("by")


class MeterReadingInline(TenantTabularInline):
    model = MeterReading
    extra = 0
    fields = ["read_on", "reading"]
    ordering = ["-read_on"]
    can_delete = False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Asset, site=tenant_site)
class AssetAdmin(CustodyActions, DepreciationActions, TenantModelAdmin):
    form = AssetForm
    resource_classes = [AssetResource]  # the export, with names (resources.py)
    actions = [print_labels]  # labels of the chosen assets (admin/labels.py)
    # Assign, Return, Transfer (admin/custody_actions.py), as the status allows.
    # Revalue, Dispose (admin/depreciation_actions.py); the label (admin/labels.py).
    actions_detail = [*CUSTODY_ACTIONS, "revalue_asset", "dispose_asset", "label"]
    list_display = [
        "tag",
        "name",
        "category",
        "status_badge",
        "location",
        "purchase_date",
        "purchase_cost",
        "warranty_end",
    ]
    list_display_links = ["tag", "name"]
    list_select_related = ["category", "location"]
    list_filter = [
        ("status", ChoicesDropdownFilter),
        ("category", RelatedDropdownFilter),
        ("location", RelatedDropdownFilter),
        ("purchase_date", RangeDateFilter),
    ]
    list_filter_submit = True
    search_fields = ["tag", "name", "serial_number"]
    search_help_text = _("Tag, name or serial number")
    ordering = ["tag"]
    autocomplete_fields = ["supplier"]
    readonly_fields = [
        "status_badge",
        "request_link",
        "disposed_on",
        "disposal_kind",
        "disposal_gain",
        "depreciation_schedule",  # admin/schedule.py
    ]
    inlines = [AssetFileInline, MeterReadingInline, CustodyInline, EventInline]
    fieldsets = [
        (None, {"fields": [("tag", "name"), ("category", "serial_number"), "status_badge"]}),
        (
            _("Purchase"),
            {"fields": [("purchase_date", "purchase_cost"), ("supplier", "warranty_end")]},
        ),
        (_("Where"), {"fields": [("location", "location_detail"), "photo"]}),
        (
            _("Depreciation"),
            {
                "fields": [
                    ("in_service_date", "salvage_value"),
                    ("depreciation_method", "useful_life_months"),
                    ("declining_rate", "total_units"),
                ]
            },
        ),
        (_("Schedule"), {"fields": ["depreciation_schedule"], "classes": ["collapse"]}),
        (_("Notes"), {"fields": ["notes", "request_link"]}),
        (_("Disposal"), {"fields": [("disposed_on", "disposal_kind", "disposal_gain")]}),
    ]

    def get_fieldsets(self, request, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        form = getattr(request, "_asset_form_fields", None)
        if form:
            fieldsets.insert(1, (_("Custom fields"), {"fields": form}))
        if obj is None or obj.status != AssetStatus.DISPOSED:
            fieldsets = [item for item in fieldsets if item[0] != _("Disposal")]
        if obj is None:
            fieldsets = [item for item in fieldsets if item[0] != _("Schedule")]
        return fieldsets

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        # The custom fields depend on the category in hand; list them for the fieldsets.
        probe = (
            form(request.POST or None, instance=obj)
            if request.method == "POST"
            else form(instance=obj, initial={"category": request.GET.get("category")})
        )
        request._asset_form_fields = probe.category_fields
        return form

    def save_model(self, request, obj, form, change):
        asset_save(obj)

    def get_urls(self):
        from modules.assets.admin.data import data_urls
        from modules.assets.admin.fulfilment import fulfilment_urls

        return [*fulfilment_urls(self), *data_urls(self), *super().get_urls()]

    def has_label_permission(self, request, object_id=None):
        return request.user.has_perm("assets.view_asset")

    @renders_on_get  # a page to print; it changes nothing
    @action(description=_("Label"), url_path="label", icon="qr_code_2", permissions=["label"])
    def label(self, request, object_id):
        return render_labels(request, [self.get_object(request, object_id)])

    @display(description=_("asset request"))
    def request_link(self, obj):
        # The approved request it was handed out or bought for (services/fulfilment.py).
        if obj is None or not obj.request_id:
            return "—"
        return format_html(
            '<a class="text-primary-600" href="{}" data-testid="asset-request-link">{}</a>',
            reverse("admin:approvals_approvalrequest_change", args=[obj.request_id]),
            obj.request,
        )

    @display(description=_("status"), label=STATUS_COLOURS)
    def status_badge(self, obj):
        return obj.status, obj.get_status_display()

    def has_delete_permission(self, request, obj=None):
        # An asset leaves by disposal; its ledger and custody stay (docs/assets.md).
        return False
