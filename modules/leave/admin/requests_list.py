"""The leave request list for managers and HR, and the leave pages it mounts
(My leave, a person's balance, the team calendar).

Read-only: requests are made on the request page and decided in the approvals
inbox; each row links to the engine's request page, where decisions are made.
Every path (list, filters, search, export, history, object page) starts from
``visibility.visible_leave_requests``.
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import BooleanField, Value
from django.urls import path, reverse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from import_export.fields import Field
from rules.contrib.admin import ObjectPermissionsModelAdminMixin
from unfold.contrib.filters.admin import DropdownFilter, RangeDateFilter, RelatedDropdownFilter
from unfold.decorators import display
from unfold.paginator import InfinitePaginator

from modules.approvals.models import RequestStatus
from modules.employees.models import Department
from modules.leave import views_balance, views_calendar
from modules.leave.models import LeaveRequest, Unit
from modules.leave.selectors.calendar import STATUS_COLOURS, STATUS_LABELS, status_label
from modules.leave.selectors.visibility import (
    reads_every_listed_balance,
    visible_leave_requests,
)
from opsplatform.admin import TenantModelAdmin, tenant_site
from opsplatform.admin.resources import TenantModelResource

UNIT_WORDS = {
    Unit.DAYS: _("days"),
    Unit.HALF_DAYS: _("days"),
    Unit.HOURS: _("hours"),
}


def duration_text(leave_request: LeaveRequest) -> str:
    unit = leave_request.leave_type.unit if leave_request.leave_type_id else Unit.DAYS
    return f"{leave_request.duration.normalize():f} {UNIT_WORDS.get(unit, '')}"


def dates_text(leave_request: LeaveRequest) -> str:
    start, end = leave_request.start_date, leave_request.end_date
    if start is None:
        return "—"
    text = date_format(start, "SHORT_DATE_FORMAT")
    if leave_request.start_part != LeaveRequest.Part.FULL:
        text += f" ({leave_request.get_start_part_display()})"
    if end and end != start:
        text += " – " + date_format(end, "SHORT_DATE_FORMAT")
        if leave_request.end_part != LeaveRequest.Part.FULL:
            text += f" ({leave_request.get_end_part_display()})"
    return text


class StatusFilter(DropdownFilter):
    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [(str(code), label) for code, label in STATUS_LABELS.items()]

    def queryset(self, request, queryset):
        if self.value() in RequestStatus.values:
            return queryset.filter(approval__status=self.value())
        return queryset


class DepartmentFilter(DropdownFilter):
    title = _("department")
    parameter_name = "department"

    def lookups(self, request, model_admin):
        # The company's shape is open to every member (employees.view_department).
        return [(str(pk), name) for pk, name in Department.objects.values_list("pk", "name")]

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isdigit():
            # Narrows the person's own list: another department shows only who they may see.
            return queryset.filter(employee__department_id=int(value))
        return queryset


class LeaveRequestResource(TenantModelResource):
    """The list's export: the columns a person reads on screen (formula-escaped)."""

    reference = Field(column_name=_("reference"))
    employee_number = Field(attribute="employee__employee_number", column_name=_("employee number"))
    employee_name = Field(column_name=_("employee"))
    department = Field(attribute="employee__department__name", column_name=_("department"))
    leave_type_name = Field(attribute="leave_type__name", column_name=_("leave type"))
    start = Field(attribute="start_date", column_name=_("from"))
    end = Field(attribute="end_date", column_name=_("until"))
    amount = Field(attribute="duration", column_name=_("duration"))
    unit = Field(column_name=_("unit"))
    status = Field(column_name=_("status"))
    submitted = Field(attribute="approval__submitted_at", column_name=_("submitted"))

    class Meta:
        model = LeaveRequest
        fields = (
            "reference",
            "employee_number",
            "employee_name",
            "department",
            "leave_type_name",
            "start",
            "end",
            "amount",
            "unit",
            "status",
            "submitted",
        )
        export_order = fields

    def dehydrate_reference(self, obj):
        return obj.approval.reference

    def dehydrate_employee_name(self, obj):
        return obj.employee.full_name if obj.employee_id else ""

    def dehydrate_unit(self, obj):
        return obj.leave_type.get_unit_display() if obj.leave_type_id else ""

    def dehydrate_status(self, obj):
        return status_label(obj)


@admin.register(LeaveRequest, site=tenant_site)
class LeaveRequestAdmin(ObjectPermissionsModelAdminMixin, TenantModelAdmin):
    list_display = [
        "employee_display",
        "type_badge",
        "dates_display",
        "duration_display",
        "status_badge",
        "submitted_display",
        "request_link",
    ]
    list_display_links = None
    list_select_related = [
        "employee",
        "employee__department",
        "leave_type",
        "approval",
    ]
    list_filter = [
        ("leave_type", RelatedDropdownFilter),
        StatusFilter,
        DepartmentFilter,
        ("start_date", RangeDateFilter),
    ]
    list_filter_submit = True
    search_fields = ["employee__first_name", "employee__last_name", "employee__employee_number"]
    search_help_text = _("Employee name or number")
    ordering = ["-start_date", "-pk"]
    # Years of requests: no COUNT(*) over the table per page.
    paginator = InfinitePaginator
    show_full_result_count = False
    actions = None
    resource_classes = [LeaveRequestResource]
    readonly_fields = [
        "employee",
        "leave_type",
        "start_date",
        "end_date",
        "start_part",
        "end_part",
        "hours",
        "duration",
        "reason",
        "cancelled_at",
    ]
    fields = readonly_fields

    def get_queryset(self, request):
        # The list, search, filters, export, history and object pages all start here.
        queryset = visible_leave_requests(request.user, super().get_queryset(request))
        # A constant for the whole list, so the rows need no check of their own.
        links = reads_every_listed_balance(request.user)
        return queryset.annotate(balance_link=Value(links, output_field=BooleanField()))

    def get_export_queryset(self, request):
        return (
            super()
            .get_export_queryset(request)
            .select_related("employee", "employee__department", "leave_type", "approval")
        )

    # Read-only: made on the request page, decided in the inbox.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    # -- columns --------------------------------------------------------------------

    @display(description=_("employee"), ordering="employee__last_name")
    def employee_display(self, obj):
        if not obj.employee_id:
            return "—"
        if not getattr(obj, "balance_link", False):
            return format_html(
                '{} <span class="text-font-subtle-light">{}</span>',
                obj.employee.full_name,
                obj.employee.employee_number,
            )
        return format_html(
            '<a href="{}">{}</a> <span class="text-font-subtle-light">{}</span>',
            reverse("admin:leave_employee_balance", args=[obj.employee_id]),
            obj.employee.full_name,
            obj.employee.employee_number,
        )

    @display(description=_("leave type"), ordering="leave_type__name")
    def type_badge(self, obj):
        if not obj.leave_type_id:
            return "—"
        return format_html(
            '<span style="display:inline-flex;align-items:center;gap:.375rem">'
            '<span style="display:inline-block;width:.875rem;height:.875rem;border-radius:9999px;'
            'background:{}" aria-hidden="true"></span>{}</span>',
            obj.leave_type.colour,
            obj.leave_type.name,
        )

    @display(description=_("dates"), ordering="start_date")
    def dates_display(self, obj):
        return dates_text(obj)

    @display(description=_("duration"), ordering="duration")
    def duration_display(self, obj):
        return duration_text(obj)

    @display(description=_("status"), label={str(k): v for k, v in STATUS_COLOURS.items()})
    def status_badge(self, obj):
        return obj.approval.status, status_label(obj)

    @display(description=_("submitted"), ordering="approval__submitted_at")
    def submitted_display(self, obj):
        at = obj.approval.submitted_at
        return date_format(at, "SHORT_DATETIME_FORMAT") if at else "—"

    @display(description=_("request"))
    def request_link(self, obj):
        return format_html(
            '<a href="{}" class="text-primary-600">{}</a>',
            reverse("admin:approvals_approvalrequest_change", args=[obj.approval_id]),
            obj.approval.reference,
        )

    # -- the leave pages --------------------------------------------------------------

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path(
                "mine/",
                wrap(views_balance.MyLeaveView.as_view(model_admin=self)),
                name="leave_my_leave",
            ),
            path(
                "balance/<str:employee_id>/",
                wrap(views_balance.BalanceView.as_view(model_admin=self)),
                name="leave_employee_balance",
            ),
            path(
                "calendar/",
                wrap(views_calendar.TeamCalendarView.as_view(model_admin=self)),
                name="leave_calendar",
            ),
        ] + super().get_urls()


__all__ = ["LeaveRequestAdmin"]
