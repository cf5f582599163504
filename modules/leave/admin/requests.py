"""The request-leave page and its preview, mounted on the leave types' admin (every
member may read leave types; the page checks ``leave.request_leave`` itself)."""

from __future__ import annotations

from django.urls import path

from modules.leave import views


def request_urls(model_admin) -> list:
    wrap = model_admin.admin_site.admin_view
    return [
        path(
            "request/",
            wrap(views.RequestLeaveView.as_view(model_admin=model_admin)),
            name="leave_request_new",
        ),
        path(
            "request/preview/",
            wrap(lambda request: views.preview(request, model_admin)),
            name="leave_request_preview",
        ),
        path(
            "request/<int:pk>/cancel/",
            wrap(lambda request, pk: views.cancel(request, model_admin, pk)),
            name="leave_request_cancel",
        ),
    ]
