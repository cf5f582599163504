"""The project cards on the dashboard: the person's own figures, nothing for outsiders."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from freezegun import freeze_time

from modules.projects.dashboard import project_cards
from modules.projects.models import Project, TaskAssignee
from opsplatform.tenancy import tenant_context
from tests.modules.projects.health_helpers import log, task
from tests.modules.projects.team import make_project

pytestmark = pytest.mark.django_db
TODAY = "2026-10-15 12:00:00"  # a Thursday


def cards_of(team, user) -> dict:
    request = RequestFactory().get("/admin/")
    request.user, request.tenant = user, team.tenant
    return {str(card["title"]): card["value"] for card in project_cards(request)}


@pytest.fixture
def work(in_team):
    team = in_team
    max_ = team.employee(team.member)
    mine = task(team, due=date(2026, 10, 1))  # overdue, Max's
    TaskAssignee.objects.create(task=mine, employee=max_)
    done = task(team, "Completed", due=date(2026, 10, 1))
    TaskAssignee.objects.create(task=done, employee=max_)  # done: not open
    task(team, due=date(2026, 12, 1))
    log(team, mine, who=max_, on=date(2026, 10, 12), hours=3)  # Monday this week
    log(team, mine, who=max_, on=date(2026, 10, 15), hours="1.5")
    log(team, mine, who=max_, on=date(2026, 10, 11), hours=8)  # last Sunday
    Project.objects.filter(pk=team.project.pk).update(health=Project.Health.AT_RISK)
    other, _ = make_project(code="ERP", manager=team.employee(team.other_manager))
    Project.objects.filter(pk=other.pk).update(health=Project.Health.OFF_TRACK)
    task(team, due=date(2026, 10, 1), project=other)
    return team


@freeze_time(TODAY)
def test_a_member_sees_their_tasks_their_projects_and_their_week(work):
    assert cards_of(work, work.member) == {
        "My open tasks": 1,
        "Overdue tasks in my projects": 1,
        "Projects at risk": 1,
        "Projects off track": 0,
        "Hours logged this week": "4.50",
    }


@freeze_time(TODAY)
def test_the_owner_counts_every_project(work):
    cards = cards_of(work, work.owner)
    assert cards["Overdue tasks in my projects"] == 2
    assert (cards["Projects at risk"], cards["Projects off track"]) == (1, 1)


@freeze_time(TODAY)
def test_someone_who_sees_no_project_gets_no_card(work):
    assert cards_of(work, work.outsider) == {}


@freeze_time(TODAY)
def test_the_cards_cost_the_same_queries_with_more_work(work):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            cards_of(work, work.member)
        return len(queries)

    assert count() <= 6  # the person's roles and record, looked up once per request
    before = count()
    for _ in range(5):
        TaskAssignee.objects.create(
            task=task(work, due=date(2026, 10, 2)), employee=work.employee(work.member)
        )
    assert count() == before <= 4
    assert cards_of(work, work.member)["My open tasks"] == 6


def test_the_dashboard_page_shows_them(team, client_for):
    with tenant_context(team.tenant):
        Project.objects.filter(pk=team.project.pk).update(health=Project.Health.OFF_TRACK)
    page = client_for(team.tenant, team.pm).get("/admin/").content.decode()
    assert "Projects off track" in page
    assert (
        "Projects off track"
        not in client_for(team.tenant, team.outsider).get("/admin/").content.decode()
    )
