"""HR's set-up screens: leave types, policies with milestones and assignments,
holiday calendars and blackout periods. Writes go through the admin base."""

from __future__ import annotations

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from unfold.decorators import display

from modules.leave.models import (
    AccrualMilestone,
    BlackoutPeriod,
    Holiday,
    HolidayCalendar,
    LeavePolicy,
    LeaveType,
    PolicyAssignment,
)
from opsplatform.admin import TenantModelAdmin, TenantTabularInline, tenant_site


@admin.register(LeaveType, site=tenant_site)
class LeaveTypeAdmin(TenantModelAdmin):
    list_display = ["swatch", "name", "code", "unit", "paid", "requires_approval", "active"]
    list_display_links = ["name"]
    list_filter = ["unit", "paid", "active"]
    search_fields = ["name", "code"]
    ordering = ["order", "name"]
    fieldsets = [
        (None, {"fields": ["name", "code", "colour", "paid", "unit", "active", "order"]}),
        (
            _("Rules"),
            {
                "fields": [
                    "requires_approval",
                    "tracks_balance",
                    "requires_document",
                    "document_above_days",
                    "max_consecutive_days",
                    "min_notice_days",
                    "counts_weekends",
                    "counts_holidays",
                ]
            },
        ),
    ]

    def get_urls(self):
        from modules.leave.admin.data import data_urls
        from modules.leave.admin.requests import request_urls

        # The request page, and importing, exporting and adjusting in bulk (HR's
        # set-up work), hang on the leave types' admin.
        return data_urls(self) + request_urls(self) + super().get_urls()

    @display(description=_("colour"))
    def swatch(self, obj):
        return format_html(
            '<span style="display:inline-block;width:1rem;height:1rem;border-radius:9999px;'
            'background:{}" aria-hidden="true"></span>',
            obj.colour,
        )


class MilestoneInline(TenantTabularInline):
    model = AccrualMilestone
    extra = 0


class AssignmentInline(TenantTabularInline):
    model = PolicyAssignment
    extra = 0
    autocomplete_fields = ["employee", "department", "location"]


@admin.register(LeavePolicy, site=tenant_site)
class LeavePolicyAdmin(TenantModelAdmin):
    list_display = [
        "name",
        "leave_type",
        "yearly_entitlement",
        "accrual",
        "carry_forward",
        "active",
    ]
    list_select_related = ["leave_type"]
    list_filter = ["leave_type", "accrual", "active"]
    search_fields = ["name"]
    inlines = [MilestoneInline, AssignmentInline]
    fieldsets = [
        (None, {"fields": ["name", "leave_type", "active", "priority"]}),
        (
            _("Entitlement and accrual"),
            {"fields": ["yearly_entitlement", "accrual", "pay_periods_per_year", "pro_rata"]},
        ),
        (
            _("Carry forward and limits"),
            {
                "fields": [
                    "carry_forward",
                    "carry_forward_max",
                    "carry_forward_expiry_months",
                    "negative_limit",
                ]
            },
        ),
    ]


class HolidayInline(TenantTabularInline):
    model = Holiday
    extra = 0


@admin.register(HolidayCalendar, site=tenant_site)
class HolidayCalendarAdmin(TenantModelAdmin):
    list_display = ["name", "is_default"]
    search_fields = ["name"]
    filter_horizontal = ["locations"]
    inlines = [HolidayInline]


@admin.register(BlackoutPeriod, site=tenant_site)
class BlackoutPeriodAdmin(TenantModelAdmin):
    list_display = ["name", "starts_on", "ends_on", "action"]
    list_filter = ["action"]
    search_fields = ["name", "reason"]
    filter_horizontal = ["departments", "locations", "leave_types"]
