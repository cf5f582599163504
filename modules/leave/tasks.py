"""Background work for leave: the daily run of accruals, carry-forward and expiry."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from opsplatform.tenancy.sweeps import for_each_active_tenant


# Every quarter hour, each company whose own day has turned since its last run
# gets that day's run, once (its run of the day is recorded with the entries, in
# one transaction): companies pass midnight at different UTC hours, and a worker
# that was down catches up on its first tick back, writing what fell due meanwhile.
@db_periodic_task(crontab(minute="*/15"))
def run_leave_balances() -> None:
    from modules.leave.services.daily import RUN_NAME, local_date, run_for_tenant

    for_each_active_tenant(
        RUN_NAME, run_for_tenant, period=lambda tenant: local_date(tenant).isoformat()
    )
