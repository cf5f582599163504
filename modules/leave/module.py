"""What the leave module adds to the product (docs/modules.md)."""

from django.utils.translation import gettext_lazy as _

from opsplatform.contract import (
    ActivityKind,
    Feature,
    Module,
    RecordLink,
    SidebarGroup,
    SidebarItem,
)


def _item(title, icon: str, url: str, order: int, permission: str, **extra) -> SidebarItem:
    return SidebarItem(
        group="leave", title=title, icon=icon, url=url, order=order, permission=permission, **extra
    )


MODULE = Module(
    name="leave",
    label=_("Leave"),
    # Balances belong to employees, and requests travel the approvals engine.
    requires=("employees", "approvals"),
    groups=(SidebarGroup(key="leave", title=_("Leave"), order=25, collapsible=False),),
    items=(
        _item(
            _("Request leave"),
            "event_available",
            "admin:leave_request_new",
            10,
            "leave.request_leave",
        ),
        _item(
            _("Leave types"),
            "category",
            "admin:leave_leavetype_changelist",
            60,
            "leave.change_leavetype",
        ),
        _item(
            _("Leave policies"),
            "policy",
            "admin:leave_leavepolicy_changelist",
            70,
            "leave.change_leavepolicy",
        ),
        _item(
            _("Balance ledger"),
            "account_balance_wallet",
            "admin:leave_ledgerentry_changelist",
            75,
            "leave.view_ledgerentry",
        ),
        _item(
            _("Holiday calendars"),
            "event",
            "admin:leave_holidaycalendar_changelist",
            80,
            "leave.change_holidaycalendar",
        ),
        _item(
            _("Blackout periods"),
            "event_busy",
            "admin:leave_blackoutperiod_changelist",
            90,
            "leave.change_blackoutperiod",
        ),
        # Moving leave data in and out (admin/data.py).
        _item(
            _("Import leave data"),
            "upload_file",
            "admin:leave_data_import",
            100,
            "leave.import_leave_data",
        ),
        _item(
            _("Export leave data"),
            "download",
            "admin:leave_data_export",
            110,
            "leave.export_leave_data",
        ),
        _item(
            _("Adjust balances"),
            "exposure",
            "admin:leave_bulk_adjust",
            120,
            "leave.adjust_balances",
        ),
        # What people see (docs/leave.md, "What people see").
        _item(_("My leave"), "beach_access", "admin:leave_my_leave", 10, "leave.view_own_leave"),
        _item(
            _("Team calendar"),
            "calendar_month",
            "admin:leave_calendar",
            20,
            "leave.view_team_leave",
        ),
        _item(
            _("Leave requests"),
            "event_note",
            "admin:leave_leaverequest_changelist",
            30,
            "leave.view_team_leave",
        ),
    ),
    cards=("modules.leave.dashboard.leave_cards",),
    demo="modules.leave.demo.seed",
    feature=Feature(code="leave", label=_("Leave")),
    # An employee's page links to their leave for whoever may read it.
    record_links=(
        RecordLink(
            model="employees.Employee",
            title=_("Leave balance"),
            icon="beach_access",
            url="modules.leave.links.balance_url",
            check="modules.leave.links.may_see_balance",
        ),
    ),
    activity=(
        ActivityKind(code="leave.requested", label=_("Leave was requested")),
        ActivityKind(code="leave.approved", label=_("Leave was approved")),
        ActivityKind(code="leave.cancelled", label=_("Leave was cancelled")),
    ),
)
