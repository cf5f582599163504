"""The landlord's list of outbox messages that are not delivered, and a retry.

Read-only: the rows belong to companies and are only ever changed by the relay
or by ``outbox_retry`` inside the row's own company transaction.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from unfold.decorators import display

from opsplatform.admin import landlord_site
from opsplatform.admin.retry import RetryQueueAdmin, retry_selected_action
from opsplatform.outbox.models import OutboxAttention
from opsplatform.outbox.services import outbox_retry

RETRY_PERMISSION = "outbox.retry_outboxattention"


@admin.register(OutboxAttention, site=landlord_site)
class OutboxAttentionAdmin(RetryQueueAdmin):
    retry_permission = RETRY_PERMISSION
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

    @display(
        description=_("status"),
        label={OutboxAttention.Status.PENDING: "warning", OutboxAttention.Status.FAILED: "danger"},
    )
    def status_badge(self, obj):
        return obj.status, obj.get_status_display()

    @display(description=_("last error"))
    def short_error(self, obj):
        return (obj.last_error[:80] + "…") if len(obj.last_error) > 80 else obj.last_error or "-"

    retry_selected = retry_selected_action(_("Retry selected failed messages"))

    def retry_rows(self, request, queryset) -> None:
        retried = sum(outbox_retry(message_id=pk) for pk in queryset.values_list("pk", flat=True))
        messages.success(request, _("%(n)d messages will be tried again.") % {"n": retried})

    def retry_one(self, request, object_id: int):
        if outbox_retry(message_id=object_id):
            messages.success(request, _("The message will be tried again now."))
        else:
            messages.error(request, _("Only a failed message can be retried."))
        return redirect("admin:outbox_outboxattention_changelist")
