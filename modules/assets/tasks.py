"""The assets module's periodic work."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from opsplatform.tenancy.sweeps import SKIP, for_each_active_tenant


# Maintenance, once per company and day (its own day, claimed with the work):
# plans open their due work orders, then the keepers hear of warranties ending
# and work orders due or overdue. Every quarter hour, so each time zone's day is
# run soon after it turns and a worker that was down catches up on its first tick.
# A read-only company gets the alerts only (they tell people something); opening
# work orders writes its records and waits until it pays (the next day's run
# then opens what fell due meanwhile: one per plan and asset, not a backlog).
@db_periodic_task(crontab(minute="*/15"))
def run_maintenance_daily() -> None:
    from modules.assets.services.maintenance_daily import (
        RUN_NAME,
        alerts_only,
        run_for_tenant,
    )

    for_each_active_tenant(
        RUN_NAME,
        run_for_tenant,
        period=lambda tenant: tenant.today().isoformat(),
        read_only=alerts_only,
    )


# Depreciation: every hour, each company whose own month has turned since its
# last run gets the months up to its last complete one posted, once (the run of
# the month is recorded with its entries, in one transaction). Hourly rather than
# on the 1st at 02:00: companies reach the 1st at different UTC hours, and a
# worker that was down catches up on its first tick back; post_month posts every
# month missed, so nothing depends on the task having run each month.
# A read-only company is left out (SKIP: posting writes its books), its month
# unclaimed, and catches up the months it missed on the first tick after it pays.
@db_periodic_task(crontab(minute="20"))
def post_depreciation() -> None:
    from modules.assets.services.depreciation import (
        RUN_NAME,
        last_complete_month,
        run_for_tenant,
    )

    for_each_active_tenant(
        RUN_NAME,
        run_for_tenant,
        period=lambda tenant: last_complete_month(tenant.today()).isoformat()[:7],
        read_only=SKIP,
    )
