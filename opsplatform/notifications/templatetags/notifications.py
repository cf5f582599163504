"""``{% notification_bell %}``: the header's bell, for members inside a tenant."""

from __future__ import annotations

from django import template
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse

from opsplatform.tenancy.context import get_current_tenant

register = template.Library()


@register.simple_tag(takes_context=True)
def notification_bell(context) -> str:
    request = context.get("request")
    user = getattr(request, "user", None)
    if (
        request is None
        or get_current_tenant() is None
        or user is None
        or not user.is_authenticated
        or not user.has_perm("notifications.view_notification")
    ):
        return ""
    try:
        # A site without the notification screens (a test's throwaway site) has no bell.
        bell_url = reverse("admin:notifications_bell")
    except NoReverseMatch:
        return ""
    from opsplatform.notifications.selectors import unread_count

    return render_to_string(
        "notifications/bell.html",
        {"unread": unread_count(user), "bell_url": bell_url},
        request=request,
    )
