"""Platform staff's list of Stripe webhook events, and a retry of failed ones.

Read-only: an event is Stripe's, and only processing changes its status. A
retry processes a failed event again at once, so staff see the outcome on the
next page; it needs ``billing.change_webhookevent`` (superusers have it).
"""

from __future__ import annotations

import json

from django.contrib import admin, messages
from django.http import Http404
from django.shortcuts import redirect
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from unfold.decorators import action, display

from opsplatform.admin import LandlordModelAdmin, landlord_site
from opsplatform.billing.models import WebhookEvent
from opsplatform.billing.webhooks.processing import event_retry

RETRY_PERMISSION = "billing.change_webhookevent"
Status = WebhookEvent.Status


@admin.register(WebhookEvent, site=landlord_site)
class WebhookEventAdmin(LandlordModelAdmin):
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
        raise Http404  # not an audited table: its effects are in the subscriptions' history

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

    @display(description=_("payload"))
    def payload_display(self, obj):
        return format_html("<pre>{}</pre>", json.dumps(obj.payload, indent=2, sort_keys=True))

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

    @action(description=_("Retry selected failed events"), permissions=["retry"])
    def retry_selected(self, request, queryset):
        self._retry(
            request, list(queryset.filter(status=Status.FAILED).values_list("pk", flat=True))
        )

    # POST only: the admin base answers a GET with a confirmation page.
    @action(description=_("Retry"), url_path="retry", permissions=["retry"])
    def retry_detail(self, request, object_id):
        self._retry(request, [int(object_id)])
        return redirect("admin:billing_webhookevent_change", int(object_id))
