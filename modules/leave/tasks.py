"""Leave's periodic work: each evening, in each company's time zone, managers hear
who of their team is off tomorrow (once per company and day)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from opsplatform.tenancy.sweeps import for_each_active_tenant

# Local hour from which "off tomorrow" goes out; the task runs hourly so that
# every time zone reaches it, and a worker that was down catches up later that day.
EVENING = 16
NAME = "Leave: team off tomorrow"


def _off_tomorrow(tenant) -> None:
    from zoneinfo import ZoneInfo

    from django.utils import timezone

    from modules.leave.handlers import team_off_tomorrow
    from modules.leave.working_days import company_today
    from opsplatform.tenancy.sweeps import _claim_period

    if timezone.now().astimezone(ZoneInfo(tenant.time_zone or "UTC")).hour < EVENING:
        return
    today = company_today(tenant)
    # The company's own day is the period: claimed once, in this transaction.
    _claim_period(tenant, NAME, today.isoformat())
    team_off_tomorrow(today)


@db_periodic_task(crontab(minute="5"))
def notify_team_off_tomorrow() -> None:
    for_each_active_tenant(NAME, _off_tomorrow)
