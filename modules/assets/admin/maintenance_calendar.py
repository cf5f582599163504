"""The maintenance calendar: a month of work orders and planned services, with the
previous and next month, and MTBF / MTTR per category below it."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from modules.assets.depreciation import add_months
from modules.assets.selectors_maintenance import month_entries, parse_month, reliability, weeks
from opsplatform.admin.pages import AdminPage


class MaintenanceCalendarPage(AdminPage):
    permission_required = "assets.view_workorder"
    template_name = "assets/maintenance_calendar.html"
    title = _("Maintenance calendar")

    def get(self, request):
        today = request.tenant.today()
        month = parse_month(request.GET.get("month"), today)
        return self.render(
            month=month,
            previous=add_months(month, -1).strftime("%Y-%m"),
            next=add_months(month, 1).strftime("%Y-%m"),
            weeks=weeks(month, month_entries(month)),
            today=today,
            reliability=reliability(today),
        )
