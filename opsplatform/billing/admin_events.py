"""Platform staff's list of Stripe webhook events, and a retry of failed ones.

Read-only: an event is Stripe's, and only processing changes its status. A
retry processes a failed event again at once, so staff see the outcome on the
next page; it needs ``billing.change_webhookevent`` (superusers have it).
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from unfold.decorators import display

from opsplatform.admin import landlord_site
from opsplatform.admin.retry import RetryQueueAdmin, retry_selected_action
from opsplatform.billing.models import WebhookEvent
from opsplatform.billing.webhooks.processing import event_retry

RETRY_PERMISSION = "billing.change_webhookevent"
Status = WebhookEvent.Status


@admin.register(WebhookEvent, site=landlord_site)
class WebhookEventAdmin(RetryQueueAdmin):
    retry_permission = RETRY_PERMISSION
    list_display = [
        "stripe_id",
        "type",
        "status_badge",
        "tenant",
        "attempts",
        "created",
        "received_at",
        "short_error",
    ]
    list_filter = ["status", "type", "tenant", ("error", admin.EmptyFieldListFilter)]
    list_select_related = ["tenant"]
    search_fields = ["stripe_id", "type", "error"]
    ordering = ["-received_at", "-id"]
    fields = [
        "stripe_id",
        "type",
        "status",
        "tenant",
        "attempts",
        "created",
        "received_at",
        "processed_at",
        "error",
        "payload_display",
    ]
    readonly_fields = fields

    @display(
        description=_("status"),
        label={
            Status.RECEIVED: "info",
            Status.PROCESSED: "success",
            Status.IGNORED: "warning",
            Status.FAILED: "danger",
        },
    )
    def status_badge(self, obj):
        return obj.status, obj.get_status_display()

    @display(description=_("error"))
    def short_error(self, obj):
        first = obj.error.splitlines()[0] if obj.error else "-"
        return (first[:80] + "…") if len(first) > 80 else first

    def _retry(self, request, event_ids) -> None:
        done = failed = 0
        for event_id in event_ids:
            event = event_retry(event_id=event_id)
            if event is None:
                continue
            if event.status == Status.FAILED:
                failed += 1
            else:
                done += 1
        if done:
            messages.success(
                request,
                ngettext("%(n)d event was processed.", "%(n)d events were processed.", done)
                % {"n": done},
            )
        if failed:
            messages.error(
                request,
                ngettext(
                    "%(n)d event failed again: see its error.",
                    "%(n)d events failed again: see their errors.",
                    failed,
                )
                % {"n": failed},
            )
        if not done and not failed:
            messages.warning(request, _("Only a failed event can be retried."))

    retry_selected = retry_selected_action(_("Retry selected failed events"))

    def retry_rows(self, request, queryset) -> None:
        self._retry(
            request, list(queryset.filter(status=Status.FAILED).values_list("pk", flat=True))
        )

    def retry_one(self, request, object_id: int):
        self._retry(request, [object_id])
        return redirect("admin:billing_webhookevent_change", object_id)
