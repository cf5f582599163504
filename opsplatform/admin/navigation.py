"""Sidebars. Modules add their groups here as they arrive; each item carries a
permission callback so a member sees only what their roles (and later, the
company's plan) open to them."""

from __future__ import annotations

from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _


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
                    "link": reverse_lazy("admin:index"),
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
                    "link": reverse_lazy("admin:tenants_membership_changelist"),
                    "permission": _perm("tenants.view_membership"),
                },
                {
                    "title": _("Invitations"),
                    "icon": "forward_to_inbox",
                    "link": reverse_lazy("admin:tenants_invitation_changelist"),
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
                    "link": reverse_lazy("admin:tenants_tenant_changelist"),
                },
                {
                    "title": _("Domains"),
                    "icon": "language",
                    "link": reverse_lazy("admin:tenants_domain_changelist"),
                },
                {
                    "title": _("Users"),
                    "icon": "person",
                    "link": reverse_lazy("admin:tenants_user_changelist"),
                },
            ],
        },
    ]
