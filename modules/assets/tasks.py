"""The assets module's periodic work."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from opsplatform.tenancy.sweeps import for_each_active_tenant


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
