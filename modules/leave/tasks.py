"""Leave's periodic work, each in each company's time zone and once per company and
day: the daily run of accruals, carry-forward and expiry, and each evening managers
hear who of their team is off tomorrow."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from opsplatform.tenancy.sweeps import RUN, SKIP, for_each_active_tenant


# Every quarter hour, each company whose own day has turned since its last run
# gets that day's run, once (its run of the day is recorded with the entries, in
# one transaction): companies pass midnight at different UTC hours, and a worker
# that was down catches up on its first tick back, writing what fell due meanwhile.
# A read-only company is left out, its days unclaimed, and catches up the same way
# on the first tick after it pays.
@db_periodic_task(crontab(minute="*/15"))
def run_leave_balances() -> None:
    from modules.leave.services.daily import RUN_NAME, run_for_tenant

    for_each_active_tenant(
        RUN_NAME,
        run_for_tenant,
        period=lambda tenant: tenant.today().isoformat(),
        read_only=SKIP,
    )


# Local hour from which "off tomorrow" goes out; the task runs hourly so that
# every time zone reaches it, and a worker that was down catches up later that day.
EVENING = 16
NAME = "Leave: team off tomorrow"


def _off_tomorrow(tenant) -> None:
    from modules.leave.handlers import team_off_tomorrow
    from opsplatform.tenancy.sweeps import _claim_period

    if tenant.local_now().hour < EVENING:
        return
    today = tenant.today()
    # The company's own day is the period: claimed once, in this transaction.
    _claim_period(tenant, NAME, today.isoformat())
    team_off_tomorrow(today)


@db_periodic_task(crontab(minute="5"))
def notify_team_off_tomorrow() -> None:
    for_each_active_tenant(NAME, _off_tomorrow, read_only=RUN)
