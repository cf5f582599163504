"""The daily health sweep: each company's live projects are recomputed once on its own
new day, because the calendar moves (a task becomes overdue overnight with no write).

Imported by ``modules/projects/tasks.py`` (the module huey's worker discovers),
as the kernel's ``opsplatform/tasks.py`` gathers its subpackages' tasks.
"""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from opsplatform.tenancy.sweeps import RUN, for_each_active_tenant

NAME = "Projects: daily health"


def recompute_live_projects(tenant) -> int:
    """Recompute every live, non-template project of ``tenant`` (inside its transaction)."""
    from modules.projects.models import Project
    from modules.projects.services.health import LIVE, recompute

    projects = list(
        Project.objects.filter(is_template=False, status__in=LIVE).only("pk").order_by("pk")
    )
    for project in projects:
        recompute(project)
    return len(projects)


# Every quarter hour, each company whose own day has turned since its last run gets
# its run of that day once (recorded with SweepRun in the same transaction), as
# leave's daily run: companies pass midnight at different UTC hours. Also while the
# company is read-only: health is derived data (no history, no one's edit), and its
# pages go on showing the truth (a task became overdue overnight).
@db_periodic_task(crontab(minute="*/15"))
def recompute_project_health() -> None:
    for_each_active_tenant(
        NAME,
        recompute_live_projects,
        period=lambda tenant: tenant.today().isoformat(),
        read_only=RUN,
    )
