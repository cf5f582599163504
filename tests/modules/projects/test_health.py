"""The computed health: every rule and level of docs/projects/health.md, on a frozen clock.

WEB (conftest) runs from 1 September to 31 December 2026, with budgets of 400
hours and 20,000 in money. Unless a test says otherwise the clock stands at
noon on 15 October 2026 (44 days in).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from freezegun import freeze_time

from modules.projects.models import Project, Task
from modules.projects.services.health import recompute
from opsplatform.notifications.models import Notification
from tests.modules.projects.health_helpers import block, log, task, tasks

pytestmark = pytest.mark.django_db

OCT_15 = "2026-10-15 12:00:00"
Health = Project.Health


def fresh(project) -> Project:
    return Project.objects.get(pk=project.pk)


def health_of(team):
    recompute(team.project)
    return fresh(team.project)


@freeze_time(OCT_15)
def test_a_project_with_nothing_wrong_is_on_track_and_stores_its_facts(in_team):
    tasks(in_team, 2, "Completed", estimate=3)
    tasks(in_team, 2, "Todo", estimate=2, due=date(2026, 11, 30))
    project = health_of(in_team)
    assert project.health == Health.ON_TRACK
    facts = project.health_facts
    assert facts["open"] == 2 and facts["done"] == 2
    assert facts["complete_pct"] == 60.0
    assert facts["spent_pct"] == 0.0 and facts["spent_basis"] == "money"
    # 44 days in at 60%: 73 days in all, 13 November, 48 days before the due date.
    assert facts["projected_end"] == "2026-11-13" and facts["slip_days"] == -48
    assert facts["reasons"] == [] and facts["signals"] == []
    assert project.health_checked_at is not None


@freeze_time(OCT_15)
def test_no_tasks_is_zero_percent_complete_and_on_track(in_team):
    project = health_of(in_team)
    assert project.health == Health.ON_TRACK
    assert project.health_facts["complete_pct"] == 0.0
    assert project.health_facts["projected_end"] is None


@freeze_time(OCT_15)
def test_tasks_without_an_estimate_count_as_one_hour(in_team):
    task(in_team, "Completed")  # 1 hour, done
    task(in_team, "Todo", estimate=3)
    assert health_of(in_team).health_facts["complete_pct"] == 25.0


# -- overdue ----------------------------------------------------------------------------


@freeze_time(OCT_15)
def test_one_overdue_task_puts_the_project_at_risk(in_team):
    task(in_team, due=date(2026, 10, 14))
    task(in_team, due=date(2026, 10, 15))  # due today: not overdue yet
    task(in_team, "Completed", estimate=10, due=date(2026, 10, 1))  # done: never overdue
    project = health_of(in_team)
    assert project.health == Health.AT_RISK
    assert project.health_facts["overdue"] == 1
    assert project.health_facts["reasons"] == ["overdue"]


@freeze_time(OCT_15)
def test_five_overdue_and_a_quarter_of_the_open_tasks_is_off_track(in_team):
    tasks(in_team, 5, due=date(2026, 10, 1))
    tasks(in_team, 15, due=date(2026, 12, 1))  # 5 of 20 open: 25%
    project = health_of(in_team)
    assert project.health == Health.OFF_TRACK
    assert project.health_facts["signals"][0] == ["overdue", "off_track"]


@freeze_time(OCT_15)
def test_five_overdue_under_a_quarter_of_the_open_tasks_is_only_at_risk(in_team):
    tasks(in_team, 5, due=date(2026, 10, 1))
    tasks(in_team, 16, due=date(2026, 12, 1))  # 5 of 21
    assert health_of(in_team).health == Health.AT_RISK


@freeze_time(OCT_15)
def test_four_overdue_tasks_alone_are_at_risk(in_team):
    tasks(in_team, 4, due=date(2026, 10, 1))
    assert health_of(in_team).health == Health.AT_RISK


# -- budget -----------------------------------------------------------------------------


def _half_done(team):
    """Complete 50%: 10 hours done, 10 open (due later)."""
    done = task(team, "Completed", estimate=10)
    task(team, "Todo", estimate=10, due=date(2026, 12, 1))
    return done


@freeze_time(OCT_15)
def test_spending_fifteen_points_ahead_of_completion_is_at_risk(in_team):
    done = _half_done(in_team)
    log(in_team, done, on=date(2026, 10, 1), hours=8, cost="13000")  # 65% of 20,000
    project = health_of(in_team)
    assert project.health_facts["spent_pct"] == 65.0
    assert project.health == Health.AT_RISK
    assert project.health_facts["reasons"] == ["budget"]


@freeze_time(OCT_15)
def test_fourteen_points_ahead_is_still_on_track(in_team):
    done = _half_done(in_team)
    log(in_team, done, on=date(2026, 10, 1), hours=8, cost="12800")  # 64%
    assert health_of(in_team).health == Health.ON_TRACK


@freeze_time(OCT_15)
def test_thirty_five_points_ahead_is_off_track(in_team):
    done = _half_done(in_team)
    log(in_team, done, on=date(2026, 10, 1), hours=8, cost="17000")  # 85%
    assert health_of(in_team).health == Health.OFF_TRACK


@freeze_time(OCT_15)
def test_the_whole_budget_spent_with_work_open_is_off_track(in_team):
    # 95% complete, 100% spent: only five points apart, but the money is gone.
    task(in_team, "Completed", estimate=19)
    task(in_team, "Todo", estimate=1, due=date(2026, 12, 1))
    log(in_team, Task.objects.first(), on=date(2026, 10, 1), hours=8, cost="20000")
    project = health_of(in_team)
    assert project.health == Health.OFF_TRACK
    assert project.health_facts["signals"] == [["budget", "off_track"]]


@freeze_time(OCT_15)
def test_without_a_money_budget_hours_are_measured_against_the_hours_budget(in_team):
    Project.objects.filter(pk=in_team.project.pk).update(budget_amount=None)
    done = _half_done(in_team)
    log(in_team, done, on=date(2026, 10, 1), hours=20, cost="99999")
    for _ in range(12):
        log(in_team, done, on=date(2026, 10, 2), hours=20)  # 260 of 400 hours: 65%
    project = health_of(in_team)
    assert project.health_facts["spent_basis"] == "hours"
    assert project.health_facts["spent_pct"] == 65.0
    assert project.health == Health.AT_RISK


@freeze_time(OCT_15)
def test_without_any_budget_there_is_no_budget_rule(in_team):
    Project.objects.filter(pk=in_team.project.pk).update(budget_amount=None, budget_hours=None)
    done = _half_done(in_team)
    log(in_team, done, on=date(2026, 10, 1), hours=20, cost="99999")
    project = health_of(in_team)
    assert project.health == Health.ON_TRACK
    assert project.health_facts["spent_pct"] is None


# -- schedule ---------------------------------------------------------------------------


@freeze_time("2026-11-30 12:00:00")
def test_a_projected_end_after_the_due_date_is_at_risk(in_team):
    # 90 days in at 75%: 120 days, 30 December, a day before the due date.
    tasks(in_team, 3, "Completed", estimate=1)
    task(in_team, "Todo", estimate=1, due=date(2026, 12, 20))
    assert health_of(in_team).health == Health.ON_TRACK
    task(in_team, "Todo", estimate=Decimal("0.06"), due=date(2026, 12, 20))
    project = health_of(in_team)
    # 3 of 4.06 hours: 73.9%; 90 × 100 / 73.9 = 122 days: 1 January, one day late.
    assert project.health_facts["slip_days"] == 1
    assert project.health == Health.AT_RISK
    assert project.health_facts["signals"] == [["slip", "at_risk"]]


@freeze_time("2026-11-30 12:00:00")
def test_a_slip_of_more_than_thirty_days_is_off_track(in_team):
    # 90 days in at 50%: 180 days, 28 February, 59 days late.
    task(in_team, "Completed", estimate=5)
    task(in_team, "Todo", estimate=5, due=date(2026, 12, 20))
    project = health_of(in_team)
    assert project.health_facts["projected_end"] == "2027-02-28"
    assert project.health_facts["slip_days"] == 59
    assert project.health == Health.OFF_TRACK


@freeze_time("2027-01-05 12:00:00")
def test_past_the_due_date_with_work_open_is_off_track(in_team):
    tasks(in_team, 9, "Completed", estimate=1)
    task(in_team, "Todo", estimate=1)  # no due date of its own
    project = health_of(in_team)
    assert project.health_facts["past_due"] is True
    assert project.health == Health.OFF_TRACK
    assert ["past_due", "off_track"] in project.health_facts["signals"]


@freeze_time("2027-01-05 12:00:00")
def test_past_the_due_date_with_everything_done_is_not_off_track(in_team):
    # The rules as written: 100% done projects to today, 5 days after the due date,
    # so the slip keeps it at risk (not off track) until someone completes the project.
    tasks(in_team, 3, "Completed", estimate=1)
    project = health_of(in_team)
    assert project.health_facts["past_due"] is False
    assert project.health_facts["slip_days"] == 5
    assert project.health == Health.AT_RISK


# -- blocked ----------------------------------------------------------------------------


@freeze_time(OCT_15)
def test_a_fifth_of_the_open_tasks_blocked_is_at_risk(in_team):
    blocker = task(in_team, due=date(2026, 11, 1))
    waiting = task(in_team, due=date(2026, 11, 20))
    tasks(in_team, 3, due=date(2026, 11, 20))  # 1 of 5 open blocked: 20%
    block(waiting, blocker)
    project = health_of(in_team)
    assert project.health_facts["blocked"] == 1
    assert project.health == Health.AT_RISK
    assert project.health_facts["reasons"] == ["blocked"]


@freeze_time(OCT_15)
def test_fewer_blocked_than_a_fifth_is_on_track(in_team):
    blocker = task(in_team, due=date(2026, 11, 1))
    waiting = task(in_team, due=date(2026, 11, 20))
    tasks(in_team, 4, due=date(2026, 11, 20))  # 1 of 6
    block(waiting, blocker)
    assert health_of(in_team).health == Health.ON_TRACK


@freeze_time(OCT_15)
def test_a_done_blocker_blocks_nothing(in_team):
    blocker = task(in_team, "Completed", due=date(2026, 11, 1))
    waiting = task(in_team, due=date(2026, 11, 20))
    block(waiting, blocker)
    project = health_of(in_team)
    assert project.health_facts["blocked"] == 0
    assert project.health == Health.ON_TRACK


@freeze_time(OCT_15)
def test_a_task_due_before_its_blocker_is_at_risk_whatever_the_share(in_team):
    blocker = task(in_team, due=date(2026, 11, 20))
    waiting = task(in_team, due=date(2026, 11, 10))
    tasks(in_team, 10, due=date(2026, 11, 30))  # 1 of 12 blocked: under a fifth
    block(waiting, blocker)
    project = health_of(in_team)
    assert project.health_facts["late_by_blockers"] == 1
    assert project.health_facts["signals"] == [["late_by_blockers", "at_risk"]]
    assert project.health == Health.AT_RISK


@freeze_time(OCT_15)
def test_blocked_work_is_never_off_track_by_itself(in_team):
    blocker = task(in_team, due=date(2026, 11, 20))
    for _ in range(5):
        block(task(in_team, due=date(2026, 11, 10)), blocker)
    assert health_of(in_team).health == Health.AT_RISK


# -- the worst level wins, and the order of reasons ---------------------------------------


@freeze_time(OCT_15)
def test_the_worst_reason_decides_and_is_listed_first(in_team):
    done = _half_done(in_team)
    log(in_team, done, on=date(2026, 10, 1), hours=8, cost="17000")  # budget: off track
    task(in_team, due=date(2026, 10, 1))  # overdue: at risk
    project = health_of(in_team)
    assert project.health == Health.OFF_TRACK
    assert project.health_facts["reasons"] == ["budget", "overdue"]


# -- which projects ---------------------------------------------------------------------


@freeze_time(OCT_15)
@pytest.mark.parametrize("status", [Project.Status.COMPLETED, Project.Status.CANCELLED])
def test_a_finished_project_keeps_its_last_health(in_team, status):
    project = in_team.project
    Project.objects.filter(pk=project.pk).update(status=status, health=Health.AT_RISK)
    task(in_team, due=date(2026, 1, 1))
    tasks(in_team, 5, due=date(2026, 1, 1))
    recompute(project)
    assert fresh(project).health == Health.AT_RISK


@freeze_time(OCT_15)
def test_a_template_has_no_health(in_team):
    Project.objects.filter(pk=in_team.project.pk).update(is_template=True)
    task(in_team, due=date(2026, 1, 1))
    recompute(in_team.project)
    assert fresh(in_team.project).health == ""


@freeze_time(OCT_15)
@pytest.mark.parametrize("status", [Project.Status.PLANNED, Project.Status.ON_HOLD])
def test_planned_and_on_hold_projects_are_computed(in_team, status):
    Project.objects.filter(pk=in_team.project.pk).update(status=status)
    task(in_team, due=date(2026, 10, 1))
    assert health_of(in_team).health == Health.AT_RISK


@freeze_time(OCT_15)
def test_the_recompute_writes_no_history_and_leaves_updated_at(in_team):
    project = fresh(in_team.project)
    history = project.history.count() if hasattr(project, "history") else 0
    task(in_team, due=date(2026, 10, 1))
    recompute(project)
    after = fresh(project)
    assert after.updated_at == project.updated_at
    if hasattr(after, "history"):
        assert after.history.count() == history


@freeze_time("2026-09-02 12:00:00")
def test_the_recompute_costs_the_same_queries_whatever_the_size(in_team):
    def count(n: int) -> int:
        for number in range(n):
            blocker = task(in_team, estimate=2)
            block(task(in_team, "Completed" if number % 2 else "Todo"), blocker)
            log(in_team, blocker, on=date(2026, 10, 1), hours=1, cost="10")
        with CaptureQueriesContext(connection) as queries:
            recompute(in_team.project)
        return len(queries)

    count(1)  # at risk (a third of the open work blocked), stored: no notice below
    small, large = count(2), count(40)
    assert small == large
    # The locked project row, two aggregates (tasks with their blockers, time), the UPDATE.
    assert large <= 4


# -- the notice -------------------------------------------------------------------------


def notices(team):
    return list(Notification.objects.filter(type_code="projects.health_worsened"))


@freeze_time(OCT_15)
def test_the_first_computation_never_notifies_even_when_bad(in_team):
    tasks(in_team, 5, due=date(2026, 10, 1))
    assert health_of(in_team).health == Health.OFF_TRACK
    assert notices(in_team) == []


@freeze_time(OCT_15)
def test_a_worsening_tells_the_project_manager_why(in_team):
    recompute(in_team.project)  # on track
    tasks(in_team, 4, due=date(2026, 10, 1), estimate=1)
    recompute(in_team.project)
    [notice] = notices(in_team)
    assert notice.recipient == in_team.pm
    assert notice.context["project"] == "WEB · Website relaunch"
    assert notice.context["health"] == "At risk"
    assert notice.context["reason"] == "At risk: 4 tasks overdue"
    assert notice.url == f"/admin/projects/project/{in_team.project.pk}/analytics/"


@freeze_time(OCT_15)
def test_an_improvement_or_the_same_level_sends_nothing(in_team):
    # No start date: no projection, so only the overdue rule speaks.
    Project.objects.filter(pk=in_team.project.pk).update(start_date=None)
    late = tasks(in_team, 5, due=date(2026, 10, 1))
    recompute(in_team.project)  # off track, first: silent
    Task.objects.filter(pk=late[0].pk).update(column=in_team.columns["Completed"])
    recompute(in_team.project)  # 4 overdue: at risk, better
    recompute(in_team.project)  # at risk again
    assert fresh(in_team.project).health == Health.AT_RISK
    assert notices(in_team) == []


@freeze_time(OCT_15)
def test_at_risk_to_off_track_is_a_worsening_too(in_team):
    tasks(in_team, 4, due=date(2026, 10, 1))
    recompute(in_team.project)
    task(in_team, due=date(2026, 10, 1))
    recompute(in_team.project)
    [notice] = notices(in_team)
    assert notice.context["health"] == "Off track"
    assert notice.context["reason"] == "Off track: 5 tasks overdue"


@freeze_time(OCT_15)
def test_a_change_of_health_is_a_notice_to_the_manager_not_an_activity_kind(in_team):
    from modules.projects.module import MODULE

    # The feed has no sender: a kind declared there would be promised and never sent.
    assert "projects.health_changed" not in {kind.code for kind in MODULE.activity}
    assert "projects.health_worsened" in {t.code for t in MODULE.notification_types()}
    recompute(in_team.project)
    tasks(in_team, 4, due=date(2026, 10, 1))
    recompute(in_team.project)
    assert [n.recipient for n in notices(in_team)] == [in_team.pm]
