"""Sidebars. Modules add their groups here as they arrive; each item carries a
permission callback so a member sees only what their roles (and later, the
company's plan) open to them."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _


def _url(name: str) -> str | None:
    """The item's address on this site, or None (unfold then leaves the item out)."""
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def _perm(codename: str):
    def check(request) -> bool:
        return request.user.has_perm(codename)

    return check


def tenant_navigation(request) -> list[dict]:
    return [
        {
            "title": _("Workspace"),
            "items": [
                {
                    "title": _("Dashboard"),
                    "icon": "dashboard",
                    "link": _url("admin:index"),
                },
                {
                    "title": _("Notifications"),
                    "icon": "notifications",
                    "link": _url("admin:notifications_notification_changelist"),
                    "permission": _perm("notifications.view_notification"),
                },
                {
                    "title": _("Notification settings"),
                    "icon": "notifications_active",
                    "link": _url("admin:notifications_settings"),
                    "permission": _perm("notifications.change_notificationpreference"),
                },
                {
                    "title": _("Undelivered messages"),
                    "icon": "outbox",
                    "link": _url("admin:outbox_outboxattention_changelist"),
                },
                {
                    "title": _("Sign-in security"),
                    "icon": "lock",
                    "link": _url("admin:account_security"),
                },
            ],
        },
        {
            "title": _("People"),
            "collapsible": False,
            "items": [
                {
                    "title": _("Employees"),
                    "icon": "badge",
                    "link": _url("admin:employees_employee_changelist"),
                    "permission": _perm("employees.view_employee"),
                },
                {
                    "title": _("Organisation chart"),
                    "icon": "account_tree",
                    "link": _url("admin:employees_org_chart"),
                    "permission": _perm("employees.view_org_chart"),
                },
                {
                    "title": _("Departments"),
                    "icon": "corporate_fare",
                    "link": _url("admin:employees_department_changelist"),
                    "permission": _perm("employees.change_department"),
                },
                {
                    "title": _("Positions"),
                    "icon": "work",
                    "link": _url("admin:employees_position_changelist"),
                    "permission": _perm("employees.change_position"),
                },
                {
                    "title": _("Work locations"),
                    "icon": "location_on",
                    "link": _url("admin:employees_worklocation_changelist"),
                    "permission": _perm("employees.change_worklocation"),
                },
                {
                    "title": _("Work schedules"),
                    "icon": "schedule",
                    "link": _url("admin:employees_workschedule_changelist"),
                    "permission": _perm("employees.change_workschedule"),
                },
                {
                    "title": _("Documents"),
                    "icon": "description",
                    "link": _url("admin:employees_employeedocument_changelist"),
                    "permission": _perm("employees.view_employeedocument"),
                },
                {
                    "title": _("My profile"),
                    "icon": "person",
                    "link": _url("admin:employees_my_profile"),
                    "permission": _perm("employees.view_own_profile"),
                },
            ],
        },
        {
            "title": _("Approvals"),
            "collapsible": False,
            "items": [
                {
                    "title": _("Inbox"),
                    "icon": "inbox",
                    "link": _url("admin:approvals_inbox"),
                    "permission": _perm("approvals.decide_request"),
                    "badge": "modules.approvals.views.inbox_badge",
                    "badge_class": "approvals-inbox-badge",
                },
                {
                    "title": _("Requests"),
                    "icon": "request_quote",
                    "link": _url("admin:approvals_approvalrequest_changelist"),
                    "permission": _perm("approvals.view_approvalrequest"),
                },
                {
                    "title": _("New request"),
                    "icon": "add_circle",
                    "link": _url("admin:approvals_approvalrequest_add"),
                    "permission": _perm("approvals.add_approvalrequest"),
                },
                {
                    "title": _("Deputies"),
                    "icon": "supervisor_account",
                    "link": _url("admin:approvals_delegation_changelist"),
                    "permission": _perm("approvals.view_delegation"),
                },
                {
                    "title": _("Approval routes"),
                    "icon": "route",
                    "link": _url("admin:approvals_route_changelist"),
                    "permission": _perm("approvals.change_route"),
                },
            ],
        },
        {
            "title": _("People and access"),
            "collapsible": False,
            "items": [
                {
                    "title": _("Members"),
                    "icon": "group",
                    "link": _url("admin:tenants_membership_changelist"),
                    "permission": _perm("tenants.view_membership"),
                },
                {
                    "title": _("Invitations"),
                    "icon": "forward_to_inbox",
                    "link": _url("admin:tenants_invitation_changelist"),
                    "permission": _perm("tenants.view_invitation"),
                },
            ],
        },
    ]


def landlord_navigation(request) -> list[dict]:
    return [
        {
            "title": _("Platform"),
            "items": [
                {
                    "title": _("Companies"),
                    "icon": "apartment",
                    "link": _url("admin:tenants_tenant_changelist"),
                },
                {
                    "title": _("Domains"),
                    "icon": "language",
                    "link": _url("admin:tenants_domain_changelist"),
                },
                {
                    "title": _("Users"),
                    "icon": "person",
                    "link": _url("admin:tenants_user_changelist"),
                },
                {
                    "title": _("Undelivered messages"),
                    "icon": "outbox",
                    "link": _url("admin:outbox_outboxattention_changelist"),
                },
                {
                    "title": _("Sign-in security"),
                    "icon": "lock",
                    "link": _url("admin:account_security"),
                },
            ],
        },
    ]
