"""Analytics totals against the hand-computed project of analytics_fixture.py."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from freezegun import freeze_time

from modules.projects.forms_analytics import Preset, life_of, preset_range
from modules.projects.selectors.analytics import project_analytics
from tests.modules.projects.analytics_fixture import OCTOBER, TODAY, build
from tests.modules.projects.health_helpers import log, task

pytestmark = pytest.mark.django_db
D = Decimal


def figures(team, start, end, *, with_cost=True):
    return project_analytics(
        team.project,
        start=start,
        end=end,
        today=date(2026, 10, 15),
        tenant=team.tenant,
        with_cost=with_cost,
    )


@pytest.fixture
def built(in_team):
    with freeze_time(TODAY):
        return build(in_team)


def test_hours_and_money_over_the_life_and_in_the_range(in_team, built):
    time = figures(in_team, *OCTOBER).time
    assert time["hours"] == D("12") and time["billable_hours"] == D("10")
    assert time["life_hours"] == D("23.5")
    assert time["hours_used_pct"] == D("5.9") and time["hours_left"] == D("376.5")
    assert time["cost"] == D("560") and time["bill"] == D("900")
    assert time["margin"] == D("340") and time["margin_pct"] == D("37.8")
    assert time["life_cost"] == D("1050") and time["life_bill"] == D("1935")
    assert time["life_margin"] == D("885") and time["life_margin_pct"] == D("45.7")
    assert time["budget_used_pct"] == D("5.3") and time["budget_left"] == D("18950")


def test_without_cost_there_is_no_money_in_the_result_at_all(in_team, built):
    result = figures(in_team, *OCTOBER, with_cost=False)
    money = {"cost", "bill", "margin", "margin_pct", "life_cost", "life_bill", "budget_amount"}
    assert not money & set(result.time)
    assert result.time["hours"] == D("12")
    assert all(set(person) == {"employee_id", "name", "hours"} for person in result.people)


def test_tasks_completed_against_planned(in_team, built):
    tasks = figures(in_team, *OCTOBER).tasks
    # Done in October: T2. Due in October: T2, T3, T4, T5, of which T2 is done.
    assert (tasks["completed"], tasks["planned"], tasks["planned_done"]) == (1, 4, 1)
    assert tasks["completed_pct"] == D("25.0")
    assert tasks["open"] == 3 and tasks["total"] == 5


def test_tasks_behind_schedule_with_their_reasons(in_team, built):
    result = figures(in_team, *OCTOBER)
    assert result.behind_count == 2
    t3, t4 = result.behind
    assert (t3["title"], t3["overdue_days"], t3["blockers"]) == ("Test", 5, [])
    assert (t4["title"], t4["overdue_days"]) == ("Launch", 0)
    assert t4["blockers"] == [
        {"reference": f"WEB-{built.t5.number}", "title": "Content", "due_date": date(2026, 10, 25)}
    ]


def test_a_daily_burndown_over_a_month(in_team, built):
    series = figures(in_team, *OCTOBER).series
    assert series["step"] == "day"
    points = {p["date"]: p for p in series["points"]}
    assert len(points) == 31
    # Before October: 23 hours of scope (T5 not yet), 8 done (T1).
    first = points[date(2026, 10, 1)]
    assert (first["scope"], first["completed"], first["remaining"]) == (D(23), D(8), D(15))
    assert points[date(2026, 10, 5)]["completed"] == D(12)
    assert points[date(2026, 10, 9)]["remaining"] == D(11)
    assert points[date(2026, 10, 10)]["scope"] == D(29)
    last = points[date(2026, 10, 31)]
    assert (last["scope"], last["completed"], last["remaining"]) == (D(29), D(12), D(17))
    logged = {day: p["logged"] for day, p in points.items() if p["logged"]}
    assert logged == {date(2026, 10, 2): D(4), date(2026, 10, 5): D(6), date(2026, 10, 12): D(2)}


def test_a_weekly_series_over_the_projects_life(in_team, built):
    start, end = life_of(in_team.project, date(2026, 10, 15))
    assert (start, end) == (date(2026, 9, 1), date(2026, 12, 31))
    series = figures(in_team, start, end).series
    assert series["step"] == "week"
    points = series["points"]
    # Weeks start on Monday: 31 August to 28 December.
    assert points[0]["date"] == date(2026, 8, 31) and points[-1]["date"] == date(2026, 12, 28)
    assert len(points) == 18
    logged = {p["date"]: p["logged"] for p in points if p["logged"]}
    assert logged == {
        date(2026, 9, 14): D(10),
        date(2026, 9, 28): D("5.5"),
        date(2026, 10, 5): D(6),
        date(2026, 10, 12): D(2),
    }
    assert points[0]["scope"] == D(23) and points[0]["completed"] == D(0)
    assert points[-1]["scope"] == D(29) and points[-1]["completed"] == D(12)


def test_a_monthly_series_beyond_two_years(in_team, built):
    series = figures(in_team, date(2025, 1, 1), date(2027, 6, 30)).series
    assert series["step"] == "month"
    assert len(series["points"]) == 30
    logged = {p["date"]: p["logged"] for p in series["points"] if p["logged"]}
    assert logged == {date(2026, 9, 1): D("11.5"), date(2026, 10, 1): D(12)}


def test_hours_and_cost_per_person(in_team, built):
    people = figures(in_team, *OCTOBER).people
    assert [(p["name"], p["hours"], p["cost"], p["bill"]) for p in people] == [
        ("Mia E-6", D(8), D(400), D(540)),
        ("Max E-5", D(4), D(160), D(360)),
    ]


def test_an_empty_range_is_all_zeros(in_team, built):
    result = figures(in_team, date(2027, 3, 1), date(2027, 3, 31))
    assert result.time["hours"] == 0 and result.time["cost"] == 0
    assert result.time["margin_pct"] is None
    assert result.people == []
    assert result.series["points"][0]["remaining"] == D(17)


def test_the_queries_stay_the_same_when_the_logs_grow(in_team, built):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            figures(in_team, *OCTOBER)
        return len(queries)

    before = count()
    for day in range(1, 29):
        extra = task(in_team, estimate=2, due=date(2026, 10, 1))
        log(in_team, extra, on=date(2026, 10, day), hours=1, cost=10, bill=20)
    assert count() == before <= 10


@pytest.mark.parametrize(
    ("preset", "start", "end"),
    [
        (Preset.THIS_MONTH, date(2026, 10, 1), date(2026, 10, 31)),
        (Preset.LAST_30, date(2026, 9, 16), date(2026, 10, 15)),
        (Preset.THIS_QUARTER, date(2026, 10, 1), date(2026, 12, 31)),
        (Preset.THIS_YEAR, date(2026, 1, 1), date(2026, 12, 31)),
        (Preset.LIFE, date(2026, 9, 1), date(2026, 12, 31)),
    ],
)
def test_the_presets(in_team, preset, start, end):
    assert preset_range(preset, date(2026, 10, 15), in_team.project) == (start, end)


def test_the_first_quarter_and_december():
    assert preset_range(Preset.THIS_QUARTER, date(2026, 2, 3), None) == (
        date(2026, 1, 1),
        date(2026, 3, 31),
    )
    assert preset_range(Preset.THIS_MONTH, date(2026, 12, 9), None) == (
        date(2026, 12, 1),
        date(2026, 12, 31),
    )
