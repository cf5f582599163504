"""What a time log costs and bills, fixed when it is logged.

The cost rate is the person's hourly cost rate valid on the log's date (the
dated history in modules/employees, ``selectors.cost_rates_on``: one query for
the whole batch); the bill rate is the project's rate (when the project and the
log are billable). Amounts are rounded to cents. Every path that writes time
logs (the log form, the timer, the timesheet grid, the import, the demo) prices
them here, in bulk. A saved log is never priced again: a later rate, even one
backdated before the log, never rewrites its cost.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from modules.employees.selectors import cost_rates_on
from modules.projects.models import TimeLog
from modules.projects.models.common import ZERO

CENT = Decimal("0.01")


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def price_logs(logs: list[TimeLog]) -> None:
    """Fill the rates and amounts of unsaved ``logs`` (their employee, task and project loaded)."""
    rates = cost_rates_on({(log.employee, log.date) for log in logs})
    for log in logs:
        rate = rates.get((log.employee.pk, log.date)) or ZERO
        log.cost_rate = rate
        log.cost_amount = money(rate * log.hours)
        project = log.project
        billable = log.billable and project.billable and project.bill_rate is not None
        log.bill_rate = project.bill_rate if billable else ZERO
        log.bill_amount = money(log.bill_rate * log.hours) if billable else ZERO
