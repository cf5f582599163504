"""Screens: my notifications (list, bell, open, mark read) and my notification settings.

Everything here is the signed-in member's own: the queryset is filtered by
recipient, a foreign or someone else's id answers 404, and nothing is editable
through the model admin (reading and settings go through the services).
"""

from __future__ import annotations

from itertools import groupby

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from unfold.decorators import display

from opsplatform.admin import TenantModelAdmin, tenant_site
from opsplatform.admin.pages import AdminPage
from opsplatform.notifications import selectors, services
from opsplatform.notifications.models import CHANNEL_LABELS, Notification
from opsplatform.notifications.registry import CHANNELS, all_types
from opsplatform.redirects import redirect_next, safe_next

VIEW_PERM = "notifications.view_notification"
SETTINGS_PERM = "notifications.change_notificationpreference"
PER_PAGE = 25


def _list_url() -> str:
    return reverse("admin:notifications_notification_changelist")


class NotificationListPage(AdminPage):
    """All of my notifications, newest first, unread highlighted."""

    permission_required = VIEW_PERM
    title = _("Notifications")
    template_name = "notifications/list.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        queryset = selectors.mine(user).order_by("-created_at", "-pk")
        page = Paginator(queryset, PER_PAGE).get_page(self.request.GET.get("page"))
        return super().get_context_data(
            page_obj=page,
            notifications=list(page.object_list),
            unread=selectors.unread_count(user),
            **kwargs,
        )


class NotificationSettingsPage(AdminPage):
    """Per type and channel: on or off, for me."""

    permission_required = SETTINGS_PERM
    title = _("Notification settings")
    template_name = "notifications/settings.html"

    def post(self, request):
        choices = {
            (kind.code, channel): f"{kind.code}:{channel}" in request.POST
            for kind in all_types()
            for channel in CHANNELS
        }
        services.preferences_save(user=request.user, choices=choices)
        messages.success(request, _("Your notification settings are saved."))
        return HttpResponseRedirect(request.path)

    def get_context_data(self, **kwargs):
        table = selectors.preferences_table(self.request.user)
        groups = [
            {
                "module": module or _("General"),
                "rows": [
                    {
                        "type": kind,
                        "cells": [
                            {
                                "name": f"{kind.code}:{channel}",
                                "channel": channel,
                                "label": CHANNEL_LABELS[channel],
                                "checked": table[(kind.code, channel)],
                            }
                            for channel in CHANNELS
                        ],
                    }
                    for kind in kinds
                ],
            }
            for module, kinds in groupby(all_types(), key=lambda t: str(t.module))
        ]
        return super().get_context_data(
            groups=groups,
            channels=[(channel, CHANNEL_LABELS[channel]) for channel in CHANNELS],
            **kwargs,
        )


@admin.register(Notification, site=tenant_site)
class NotificationAdmin(TenantModelAdmin):
    list_display = ["display_title", "created_at", "display_read"]
    list_per_page = PER_PAGE
    ordering = ["-created_at", "-pk"]
    readonly_fields = [
        "display_title",
        "display_body",
        "url",
        "actor",
        "created_at",
        "read_at",
        "emailed_at",
    ]
    fields = readonly_fields

    # -- only mine -----------------------------------------------------------

    def get_queryset(self, request):
        return super().get_queryset(request).filter(recipient_id=request.user.pk)

    def has_view_permission(self, request, obj=None):
        if not request.user.has_perm(VIEW_PERM):
            return False
        return obj is None or obj.recipient_id == request.user.pk

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_export_permission(self, request):
        return False

    @display(description=_("notification"))
    def display_title(self, obj):
        return obj.title

    @display(description=_("details"))
    def display_body(self, obj):
        return obj.body

    @display(description=_("read"), boolean=True)
    def display_read(self, obj):
        return obj.is_read

    # -- pages ---------------------------------------------------------------

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("bell/", wrap(self.bell_view), name="notifications_bell"),
            path(
                "settings/",
                wrap(NotificationSettingsPage.as_view(model_admin=self)),
                name="notifications_settings",
            ),
            path("read-all/", wrap(self.read_all_view), name="notifications_notification_read_all"),
            path(
                "<int:notification_id>/open/",
                wrap(self.open_view),
                name="notifications_notification_open",
            ),
            path(
                "<int:notification_id>/read/",
                wrap(self.read_view),
                name="notifications_notification_read",
            ),
            *super().get_urls(),
        ]

    def _require(self, request, perm: str = VIEW_PERM) -> None:
        if not request.user.has_perm(perm):
            raise PermissionDenied

    def changelist_view(self, request, extra_context=None):
        return NotificationListPage.as_view(model_admin=self)(request)

    def bell_view(self, request):
        """The bell's dropdown: the latest notifications (loaded when it opens)."""
        self._require(request)
        return TemplateResponse(
            request,
            "notifications/bell_panel.html",
            {
                "notifications": selectors.recent_for(request.user, limit=10),
                "unread": selectors.unread_count(request.user),
            },
        )

    def open_view(self, request, notification_id: int):
        """Mark one of mine read and follow its link."""
        self._require(request)
        try:
            notification = services.notification_mark_read(
                user=request.user, notification_id=notification_id
            )
        except Notification.DoesNotExist:
            raise Http404 from None
        return HttpResponseRedirect(safe_next(request, notification.url, _list_url()))

    def read_view(self, request, notification_id: int):
        self._require(request)
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        try:
            services.notification_mark_read(user=request.user, notification_id=notification_id)
        except Notification.DoesNotExist:
            raise Http404 from None
        return redirect_next(request, _list_url())

    def read_all_view(self, request):
        self._require(request)
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        services.notifications_mark_all_read(user=request.user)
        return redirect_next(request, _list_url())
