"""One company's daily maintenance run (tasks.run_maintenance_daily)."""

from __future__ import annotations

from modules.assets.services.alerts import send_alerts
from modules.assets.services.maintenance import open_due_work_orders

RUN_NAME = "Assets: maintenance and alerts"


def run_for_tenant(tenant) -> None:
    today = tenant.today()
    open_due_work_orders(today)
    send_alerts(today)


def alerts_only(tenant) -> None:
    """A read-only company: people hear what is due; no work order is opened."""
    send_alerts(tenant.today())
