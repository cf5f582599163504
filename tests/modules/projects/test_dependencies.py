""" "Blocked by" links: within one project, and never in a loop (the loop is named)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from modules.projects.models import Dependency
from modules.projects.services import tasks as task_services
from modules.projects.services.dependencies import dependency_add, dependency_remove, loop_through
from opsplatform.refusals import Refused
from tests.modules.projects.team import make_project


def _tasks(team, count):
    return [
        task_services.task_create(user=team.pm, project=team.project, title=f"Step {n}")
        for n in range(1, count + 1)
    ]


def test_a_loop_is_refused_and_named(in_team):
    team = in_team
    one, two, three = _tasks(team, 3)
    dependency_add(user=team.member, task=two, blocker=one)  # WEB-2 waits on WEB-1
    dependency_add(user=team.member, task=three, blocker=two)  # WEB-3 waits on WEB-2
    with pytest.raises(Refused) as refused:
        dependency_add(user=team.member, task=one, blocker=three)
    assert "WEB-1 → WEB-3 → WEB-2 → WEB-1" in refused.value.messages[0]
    assert Dependency.objects.count() == 2


def test_the_shortest_loop_of_two(in_team):
    team = in_team
    one, two = _tasks(team, 2)
    dependency_add(user=team.member, task=one, blocker=two)
    with pytest.raises(Refused, match="WEB-2 → WEB-1 → WEB-2"):
        dependency_add(user=team.member, task=two, blocker=one)


def test_self_twice_and_other_projects_are_refused(in_team):
    team = in_team
    one, two = _tasks(team, 2)
    with pytest.raises(Refused, match="itself"):
        dependency_add(user=team.member, task=one, blocker=one)
    dependency_add(user=team.member, task=one, blocker=two)
    with pytest.raises(Refused, match="already"):
        dependency_add(user=team.member, task=one, blocker=two)
    other, _columns = make_project(code="ERP", manager=team.employee(team.pm))
    stranger = task_services.task_create(user=team.pm, project=other, title="Elsewhere")
    with pytest.raises(Refused, match="same project"):
        dependency_add(user=team.pm, task=one, blocker=stranger)


def test_outsiders_cannot_link_and_links_can_be_removed(in_team):
    team = in_team
    one, two = _tasks(team, 2)
    with pytest.raises(Refused):
        dependency_add(user=team.outsider, task=one, blocker=two)
    dependency_add(user=team.member, task=one, blocker=two)
    dependency_remove(user=team.member, task=one, blocker=two)
    assert not Dependency.objects.exists()
    with pytest.raises(Refused):
        dependency_remove(user=team.member, task=one, blocker=two)


def test_the_loop_check_reads_the_project_in_one_query(in_team):
    team = in_team
    tasks = _tasks(team, 12)
    for waiting, blocking in zip(tasks[1:], tasks[:-1], strict=True):
        dependency_add(user=team.member, task=waiting, blocker=blocking)
    with CaptureQueriesContext(connection) as captured:
        loop = loop_through(tasks[0], tasks[-1])
    assert len(captured.captured_queries) == 1
    assert loop[0] == loop[-1] == "WEB-1" and len(loop) == 13
