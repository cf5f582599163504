"""The landlord's list of outbox messages that are not delivered, and a retry.

Read-only: the rows belong to companies and are only ever changed by the relay
or by ``outbox_retry`` inside the row's own company transaction.
"""

from __future__ import annotations

import json

from django.contrib import admin, messages
from django.http import Http404
from django.shortcuts import redirect
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from unfold.decorators import action, display

from opsplatform.admin import LandlordModelAdmin, landlord_site
from opsplatform.outbox.models import OutboxAttention
from opsplatform.outbox.services import outbox_retry

RETRY_PERMISSION = "outbox.retry_outboxattention"


@admin.register(OutboxAttention, site=landlord_site)
class OutboxAttentionAdmin(LandlordModelAdmin):
    list_display = [
        "id",
        "handler",
        "tenant",
        "status_badge",
        "attempts",
        "next_attempt_at",
        "short_error",
        "created_at",
    ]
    list_filter = ["status", "handler"]
    list_select_related = ["tenant"]
    search_fields = ["handler", "last_error", "tenant__slug"]
    ordering = ["-created_at", "-id"]
    fields = [
        "tenant",
        "handler",
        "status",
        "attempts",
        "next_attempt_at",
        "created_at",
        "delivered_at",
        "dedupe_key",
        "payload_display",
        "last_error",
    ]
    readonly_fields = fields
    actions = ["retry_selected"]
    actions_detail = ["retry_detail"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_retry_permission(self, request, object_id=None):
        return request.user.has_perm(RETRY_PERMISSION)

    def history_view(self, request, object_id, extra_context=None):
        raise Http404  # a view, not an audited table: its history is the handler's effects

    @display(
        description=_("status"),
        label={OutboxAttention.Status.PENDING: "warning", OutboxAttention.Status.FAILED: "danger"},
    )
    def status_badge(self, obj):
        return obj.status, obj.get_status_display()

    @display(description=_("last error"))
    def short_error(self, obj):
        return (obj.last_error[:80] + "…") if len(obj.last_error) > 80 else obj.last_error or "-"

    @display(description=_("payload"))
    def payload_display(self, obj):
        return format_html("<pre>{}</pre>", json.dumps(obj.payload, indent=2, sort_keys=True))

    @action(description=_("Retry selected failed messages"), permissions=["retry"])
    def retry_selected(self, request, queryset):
        retried = sum(outbox_retry(message_id=pk) for pk in queryset.values_list("pk", flat=True))
        messages.success(request, _("%(n)d messages will be tried again.") % {"n": retried})

    # POST only: the admin base answers a GET with a confirmation page.
    @action(description=_("Retry"), url_path="retry", permissions=["retry"])
    def retry_detail(self, request, object_id):
        if outbox_retry(message_id=int(object_id)):
            messages.success(request, _("The message will be tried again now."))
        else:
            messages.error(request, _("Only a failed message can be retried."))
        return redirect("admin:outbox_outboxattention_changelist")
