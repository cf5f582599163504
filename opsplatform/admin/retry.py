"""Landlord lists of queued work (outbox messages, Stripe webhook events) and a
retry of their failed rows.

Read-only: the rows are changed only by their own processing, so staff cannot
add, edit or delete them; a retry hands a row back to that processing. The
retry needs ``retry_permission`` (superusers have it), is a list action (its
label names the rows, ``retry_selected_action``) and a detail action "Retry"
(POST only: the admin base answers a GET with a confirmation page).

A subclass says what a retry does: ``retry_rows`` for the selected rows,
``retry_one`` for one row (it answers the page to go to).
"""

from __future__ import annotations

import json

from django.http import Http404
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from unfold.decorators import action, display

from opsplatform.admin.base import LandlordModelAdmin


def retry_selected_action(description):
    """The list action that retries the selected rows, labelled ``description``
    (each list names its own rows)."""

    @action(description=description, permissions=["retry"])
    def retry_selected(self, request, queryset):
        self.retry_rows(request, queryset)

    return retry_selected


class RetryQueueAdmin(LandlordModelAdmin):
    retry_permission = ""  # "<app>.<codename>" a person needs to retry
    actions = ["retry_selected"]
    actions_detail = ["retry_detail"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_retry_permission(self, request, object_id=None):
        return request.user.has_perm(self.retry_permission)

    def history_view(self, request, object_id, extra_context=None):
        raise Http404  # not an audited table: its history is in what processing changed

    @display(description=_("payload"))
    def payload_display(self, obj):
        return format_html("<pre>{}</pre>", json.dumps(obj.payload, indent=2, sort_keys=True))

    def retry_rows(self, request, queryset) -> None:
        raise NotImplementedError

    def retry_one(self, request, object_id: int):
        raise NotImplementedError

    @action(description=_("Retry"), url_path="retry", permissions=["retry"])
    def retry_detail(self, request, object_id):
        return self.retry_one(request, int(object_id))
