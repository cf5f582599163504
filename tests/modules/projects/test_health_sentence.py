"""The sentence beside the health, written from the stored facts in the reader's language."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from freezegun import freeze_time

from modules.projects.models import Project
from modules.projects.selectors.health import health_badge, health_sentence
from modules.projects.services.health import recompute
from tests.modules.projects.health_helpers import block, log, task, tasks

pytestmark = pytest.mark.django_db


def computed(team) -> Project:
    recompute(team.project)
    return Project.objects.get(pk=team.project.pk)


@freeze_time("2026-10-15 12:00")
def test_the_issues_own_example(in_team):
    # 60 of 100 estimate hours done; 4 open tasks overdue; 16,400 of 20,000 spent.
    tasks(in_team, 6, "Completed", estimate=10)
    tasks(in_team, 4, "Todo", estimate=10, due=date(2026, 10, 1))
    log(in_team, Project.objects.get(pk=in_team.project.pk).tasks.first(), on=date(2026, 10, 1),
        hours=8, cost="16400")  # fmt: skip
    project = computed(in_team)
    assert health_sentence(project) == (
        "At risk: 4 tasks overdue; 82% of the budget spent at 60% complete"
    )


@freeze_time("2026-10-15 12:00")
def test_one_task_is_singular(in_team):
    task(in_team, due=date(2026, 10, 1))
    assert health_sentence(computed(in_team)) == "At risk: 1 task overdue"


@freeze_time("2026-10-15 12:00")
def test_the_worst_phrase_comes_first(in_team):
    tasks(in_team, 5, due=date(2026, 10, 1))  # off track
    blocker = task(in_team, due=date(2026, 11, 20))
    block(task(in_team, due=date(2026, 11, 1)), blocker)  # at risk
    assert health_sentence(computed(in_team)) == (
        "Off track: 5 tasks overdue; 1 task due before its blockers"
    )


@freeze_time("2027-01-05 12:00")
def test_a_project_past_its_due_date(in_team):
    Project.objects.filter(pk=in_team.project.pk).update(start_date=None)
    tasks(in_team, 2, estimate=1)
    assert health_sentence(computed(in_team)) == "Off track: past its due date with 2 tasks open"


@freeze_time("2026-11-30 12:00")
def test_a_slip_names_its_days(in_team):
    task(in_team, "Completed", estimate=5)
    task(in_team, "Todo", estimate=5, due=date(2026, 12, 20))
    assert health_sentence(computed(in_team)) == "Off track: projected to finish 59 days late"


@freeze_time("2026-10-15 12:00")
def test_blocked_work(in_team):
    blocker = task(in_team, due=date(2026, 11, 1))
    block(task(in_team, due=date(2026, 11, 20)), blocker)
    block(task(in_team, due=date(2026, 11, 20)), blocker)
    assert health_sentence(computed(in_team)) == "At risk: 2 tasks blocked"


@freeze_time("2026-10-15 12:00")
def test_an_hours_budget_says_so(in_team):
    Project.objects.filter(pk=in_team.project.pk).update(
        budget_amount=None, budget_hours=10, start_date=None
    )
    done = task(in_team, "Completed", estimate=1)
    task(in_team, "Todo", estimate=9, due=date(2026, 12, 1))
    log(in_team, done, on=date(2026, 10, 1), hours=5)
    assert health_sentence(computed(in_team)) == (
        "Off track: 50% of the budgeted hours spent at 10% complete"
    )


@freeze_time("2026-10-15 12:00")
def test_on_track_says_how_far_along(in_team):
    tasks(in_team, 6, "Completed", estimate=10)
    tasks(in_team, 4, "Todo", estimate=10, due=date(2026, 12, 1))
    log(in_team, Project.objects.get(pk=in_team.project.pk).tasks.first(), on=date(2026, 10, 1),
        hours=8, cost="9000")  # fmt: skip
    assert health_sentence(computed(in_team)) == "On track: 60% complete; 45% of the budget spent"


def test_never_computed_has_no_sentence_and_a_neutral_badge(in_team):
    badge = health_badge(in_team.project)
    assert badge == {
        "level": "",
        "label": "Not computed yet",
        "colour": "info",
        "css": "pj-health pj-health-none",
        "sentence": "",
    }


@freeze_time("2026-10-15 12:00")
def test_the_badge_is_data_for_a_list_and_reads_nothing(in_team):
    task(in_team, due=date(2026, 10, 1))
    project = computed(in_team)
    with CaptureQueriesContext(connection) as queries:
        badge = health_badge(project)
    assert len(queries) == 0
    assert badge == {
        "level": "at_risk",
        "label": "At risk",
        "colour": "warning",
        "css": "pj-health pj-health-at-risk",
        "sentence": "At risk: 1 task overdue",
    }
