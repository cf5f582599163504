"""The daily health sweep: the calendar moves with no write, and the health follows."""

from __future__ import annotations

from datetime import date

import pytest
from freezegun import freeze_time

from modules.projects.health_tasks import NAME, recompute_project_health
from modules.projects.models import Project
from modules.projects.services.health import recompute
from opsplatform.models import SweepRun
from opsplatform.notifications.models import Notification
from opsplatform.tenancy import tenant_context
from tests.modules.projects.health_helpers import task
from tests.modules.projects.team import make_project

pytestmark = pytest.mark.django_db


def test_a_task_that_becomes_overdue_overnight_worsens_the_health_by_morning(team):
    with tenant_context(team.tenant), freeze_time("2026-10-15 12:00"):
        task(team, due=date(2026, 10, 15), estimate=1)
        recompute(team.project)
        assert Project.objects.get(pk=team.project.pk).health == Project.Health.ON_TRACK
    with freeze_time("2026-10-16 06:00"):
        recompute_project_health()
        recompute_project_health()  # the next quarter hour finds the day done
    with tenant_context(team.tenant):
        project = Project.objects.get(pk=team.project.pk)
        assert project.health == Project.Health.AT_RISK
        assert project.health_facts["overdue"] == 1
        assert SweepRun.objects.filter(name=NAME).count() == 1
        [notice] = Notification.objects.filter(type_code="projects.health_worsened")
        assert notice.recipient == team.pm


def test_the_sweep_leaves_templates_and_finished_projects_alone(team):
    with tenant_context(team.tenant):
        manager = team.employee(team.pm)
        template, _ = make_project(code="TPL", manager=manager, is_template=True)
        done, _ = make_project(code="OLD", manager=manager, status=Project.Status.COMPLETED)
    with freeze_time("2026-10-16 06:00"):
        recompute_project_health()
    with tenant_context(team.tenant):
        healths = dict(Project.objects.values_list("code", "health"))
    assert healths == {"WEB": "on_track", "TPL": "", "OLD": ""}
