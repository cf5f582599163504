"""The team calendar: a month of who is off when, and who is off today and this week.

For managers (their reports) and those who see everyone's leave; the filters
narrow within what the person may see, never beyond it.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from modules.leave.selectors import visibility
from modules.leave.selectors.calendar import month_grid, off_between
from opsplatform.admin.pages import AdminPage


def _whole(value, low: int, high: int) -> int | None:
    return int(value) if value and value.isdigit() and low <= int(value) <= high else None


class TeamCalendarView(AdminPage):
    permission_required = "leave.view_team_leave"
    title = _("Team calendar")
    template_name = "leave/calendar.html"

    def get(self, request):
        today = timezone.localdate()
        year = _whole(request.GET.get("year"), 1900, 2999) or today.year
        month = _whole(request.GET.get("month"), 1, 12) or today.month
        department = _whole(request.GET.get("department"), 1, 2**63 - 1)
        location = _whole(request.GET.get("location"), 1, 2**63 - 1)
        page = _whole(request.GET.get("page"), 1, 100_000) or 1
        grid = month_grid(
            request.user,
            year=year,
            month=month,
            department_id=department,
            location_id=location,
            page=page,
        )
        week_start = today - timedelta(days=today.weekday())
        week_end = week_start + timedelta(days=6)
        this_week = off_between(request.user, week_start, week_end)
        off_today = [leave for leave in this_week if leave.start_date <= today <= leave.last_off]
        return self.render(
            grid=grid,
            today=today,
            off_today=off_today,
            off_this_week=this_week,
            week_start=week_start,
            week_end=week_end,
            current=date(year, month, 1),
            balance_links=visibility.reads_every_listed_balance(request.user),
        )
