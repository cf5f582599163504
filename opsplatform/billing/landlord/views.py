"""The billing overview page, mounted by the subscription admin (admin:billing_overview)."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from opsplatform.admin.pages import AdminPage
from opsplatform.billing.landlord.figures import overview


def _event_link(event) -> str:
    # The events' admin is the webhook part's (admin_events.py): linked when it is there.
    try:
        return reverse("admin:billing_webhookevent_change", args=[event.pk])
    except NoReverseMatch:
        return ""


class OverviewPage(AdminPage):
    permission_required = "billing.view_subscription"
    template_name = "billing/landlord_overview.html"
    title = _("Billing overview")

    def get(self, request):
        figures = overview()
        statuses = figures["statuses"]
        table = [
            [row.plan.name, *(row.by_status.get(value, 0) for value, _label in statuses), row.total]
            for row in figures["plan_rows"]
        ]
        events = [(event, _event_link(event)) for event in figures["failed_events"]]
        return self.render(**figures, plan_table=table, events=events)
