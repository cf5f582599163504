"""Projects' periodic work: each morning, in each company's own time zone, the
assignees of open tasks hear which are due tomorrow and which are overdue."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from opsplatform.tenancy.sweeps import RUN, claim_period, for_each_active_tenant

# Local hour from which the reminders go out; the task runs hourly so that every
# time zone reaches it, and a worker that was down catches up later that day.
MORNING = 8
NAME = "Projects: due and overdue tasks"


def remind_for_tenant(tenant) -> None:
    from modules.projects.handlers import send_due_reminders

    if tenant.local_now().hour < MORNING:
        return
    today = tenant.today()
    # The company's own day is the period, claimed only once its morning has come
    # (an earlier tick must not spend it), in this transaction.
    claim_period(tenant, NAME, today.isoformat())
    send_due_reminders(today)


@db_periodic_task(crontab(minute="10"))
def remind_due_tasks() -> None:
    for_each_active_tenant(NAME, remind_for_tenant, read_only=RUN)


# Huey finds periodic tasks in modules named ``tasks``: the daily health sweep
# lives beside the analytics (health_tasks.py) and is registered by this import.
from modules.projects.health_tasks import recompute_project_health  # noqa: E402, F401
