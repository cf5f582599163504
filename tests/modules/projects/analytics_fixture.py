"""A hand-computed project for the analytics tests (figures in test_analytics.py).

WEB, budgets 400 hours and 20,000; today is 15 October 2026.

    task  column     estimate  created  completed  due     blocked by
    T1    Completed  8         1 Sep    20 Sep     25 Sep
    T2    Completed  4         1 Sep    5 Oct      10 Oct
    T3    Todo       10        1 Sep               10 Oct
    T4    Progress   (1)       1 Sep               20 Oct  T5
    T5    Todo       6         10 Oct              25 Oct

    log   who  task  date    hours  cost  bill  billable
          Max  T1    15 Sep  10     400   900   yes
          Max  T2    2 Oct   4      160   360   yes
          Mia  T3    5 Oct   6      300   540   yes
          Mia  T3    12 Oct  2      100   0     no
          Pam  T5    30 Sep  1.5    90    135   yes
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from modules.projects.models import Task
from tests.modules.projects.health_helpers import block, log, task

TODAY = "2026-10-15 12:00:00"
OCTOBER = (date(2026, 10, 1), date(2026, 10, 31))


def noon(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, tzinfo=UTC)


@dataclass
class Fixture:
    t1: Task
    t2: Task
    t3: Task
    t4: Task
    t5: Task


def build(team) -> Fixture:
    t1 = task(team, "Completed", estimate=8, due=date(2026, 9, 25), title="Design")
    t2 = task(team, "Completed", estimate=4, due=date(2026, 10, 10), title="Build")
    t3 = task(team, "Todo", estimate=10, due=date(2026, 10, 10), title="Test")
    t4 = task(team, "Progress", due=date(2026, 10, 20), title="Launch")
    t5 = task(team, "Todo", estimate=6, due=date(2026, 10, 25), title="Content")
    block(t4, t5)
    for item, created, completed in (
        (t1, date(2026, 9, 1), date(2026, 9, 20)),
        (t2, date(2026, 9, 1), date(2026, 10, 5)),
        (t3, date(2026, 9, 1), None),
        (t4, date(2026, 9, 1), None),
        (t5, date(2026, 10, 10), None),
    ):
        Task.objects.filter(pk=item.pk).update(
            created_at=noon(created), completed_at=noon(completed) if completed else None
        )
    max_, mia, pam = (team.employee(u) for u in (team.member, team.member2, team.pm))
    log(team, t1, who=max_, on=date(2026, 9, 15), hours=10, cost=400, bill=900)
    log(team, t2, who=max_, on=date(2026, 10, 2), hours=4, cost=160, bill=360)
    log(team, t3, who=mia, on=date(2026, 10, 5), hours=6, cost=300, bill=540)
    log(team, t3, who=mia, on=date(2026, 10, 12), hours=2, cost=100, bill=0, billable=False)
    log(team, t5, who=pam, on=date(2026, 9, 30), hours="1.5", cost=90, bill=135)
    return Fixture(t1, t2, t3, t4, t5)
