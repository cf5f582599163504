"""Card moves: column and place saved in place, done and its blockers, WIP limits, notices."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from modules.projects.models import Task
from modules.projects.services import board as board_service
from modules.projects.services.board import GAP, move_task
from opsplatform.notifications.models import Notification
from opsplatform.refusals import Refused
from tests.modules.projects.factories import DependencyFactory, TaskAssigneeFactory, TaskFactory


def _cards(column) -> list[int]:
    return list(
        Task.objects.filter(column=column).order_by("position").values_list("pk", flat=True)
    )


def _tasks(team, column_name: str, n: int) -> list[Task]:
    column = team.columns[column_name]
    tasks = []
    for index in range(n):
        tasks.append(TaskFactory(project=team.project, column=column, position=(index + 1) * GAP))
    return tasks


def test_a_card_moved_to_another_column_lands_at_its_end_and_keeps_history(in_team):
    team = in_team
    a, b = _tasks(team, "Todo", 2)
    (c,) = _tasks(team, "Progress", 1)
    result = move_task(task=a, column=team.columns["Progress"], user=team.member)
    assert _cards(team.columns["Progress"]) == [c.pk, a.pk]
    assert _cards(team.columns["Todo"]) == [b.pk]
    assert (result.count, result.from_count) == (2, 1)
    latest = a.history.order_by("-history_id").first()
    assert latest.column_id == team.columns["Progress"].pk
    assert latest.history_change_reason == "Moved from Todo to Progress"
    assert latest.history_user_id == team.member.pk


def test_a_card_goes_before_or_after_the_card_named(in_team):
    team = in_team
    a, b, c = _tasks(team, "Todo", 3)
    todo = team.columns["Todo"]
    move_task(task=c, column=todo, before=a.pk, user=team.member)
    assert _cards(todo) == [c.pk, a.pk, b.pk]
    move_task(task=c, column=todo, after=a.pk, user=team.member)
    assert _cards(todo) == [a.pk, c.pk, b.pk]
    move_task(task=a, column=todo, after=b.pk, user=team.member)
    assert _cards(todo) == [c.pk, b.pk, a.pk]


def test_a_crowded_column_is_renumbered_in_one_go_and_keeps_its_order(in_team):
    team = in_team
    todo = team.columns["Todo"]
    a, b, c = (TaskFactory(project=team.project, column=todo, position=p) for p in (1, 2, 3))
    move_task(task=c, column=todo, before=b.pk, user=team.member)
    assert _cards(todo) == [a.pk, c.pk, b.pk]
    positions = list(
        Task.objects.filter(column=todo).order_by("position").values_list("position", flat=True)
    )
    assert len(set(positions)) == 3
    assert positions[1] - positions[0] > 1 and positions[2] - positions[1] > 1


def test_entering_a_done_column_completes_the_task_and_leaving_reopens_it(in_team):
    team = in_team
    (task,) = _tasks(team, "Review", 1)
    move_task(task=task, column=team.columns["Completed"], user=team.member)
    task.refresh_from_db()
    assert task.completed_at is not None
    move_task(task=task, column=team.columns["Progress"], user=team.member)
    task.refresh_from_db()
    assert task.completed_at is None


def test_a_task_with_open_blockers_cannot_be_done_and_the_refusal_names_them(in_team):
    team = in_team
    task, blocker = _tasks(team, "Progress", 2)
    DependencyFactory(task=task, blocker=blocker)
    with pytest.raises(Refused) as refusal:
        move_task(task=task, column=team.columns["Completed"], user=team.member)
    message = refusal.value.messages[0]
    assert blocker.reference in message and blocker.title in message
    task.refresh_from_db()
    assert task.column_id == team.columns["Progress"].pk and task.completed_at is None
    # Once the blocker is done, the task may follow.
    move_task(task=blocker, column=team.columns["Completed"], user=team.member)
    move_task(task=task, column=team.columns["Completed"], user=team.member)
    task.refresh_from_db()
    assert task.completed_at is not None


def test_a_column_over_its_limit_takes_the_card_and_says_so(in_team):
    team = in_team
    progress = team.columns["Progress"]
    progress.wip_limit = 1
    progress.save()
    _tasks(team, "Progress", 1)
    (task,) = _tasks(team, "Todo", 1)
    result = move_task(task=task, column=progress, user=team.member)
    assert result.over_limit and result.count == 2
    assert Task.objects.get(pk=task.pk).column_id == progress.pk


def test_done_notifies_assignees_and_the_manager_but_not_the_actor(in_team):
    team = in_team
    (task,) = _tasks(team, "Review", 1)
    TaskAssigneeFactory(task=task, employee=team.employee(team.member))
    TaskAssigneeFactory(task=task, employee=team.employee(team.member2))
    move_task(task=task, column=team.columns["Completed"], user=team.member)
    notified = set(
        Notification.objects.filter(type_code="projects.task_done").values_list(
            "recipient_id", flat=True
        )
    )
    assert notified == {team.member2.pk, team.pm.pk}


def test_nobody_is_told_of_a_reorder_inside_the_done_column(in_team):
    team = in_team
    a, b = _tasks(team, "Completed", 2)
    move_task(task=b, column=team.columns["Completed"], before=a.pk, user=team.member)
    assert not Notification.objects.filter(type_code="projects.task_done").exists()


def test_finance_sees_but_cannot_move_and_an_outsider_gets_nothing(in_team):
    team = in_team
    (task,) = _tasks(team, "Todo", 1)
    with pytest.raises(Refused):
        move_task(task=task, column=team.columns["Progress"], user=team.finance)
    from django.http import Http404

    with pytest.raises(Http404):
        move_task(task=task, column=team.columns["Progress"], user=team.outsider)
    assert Task.objects.get(pk=task.pk).column_id == team.columns["Todo"].pk


def test_another_projects_column_is_refused(in_team):
    team = in_team
    (task,) = _tasks(team, "Todo", 1)
    other = TaskFactory(project__manager=team.employee(team.pm)).column
    with pytest.raises(Refused):
        move_task(task=task, column=other, user=team.pm)


def test_a_move_in_or_out_of_done_recomputes_health_and_others_do_not(in_team, monkeypatch):
    team = in_team
    (task,) = _tasks(team, "Todo", 1)
    seen = []
    monkeypatch.setattr(
        "modules.projects.services.health.recompute", lambda project: seen.append(project.pk)
    )
    move_task(task=task, column=team.columns["Progress"], user=team.member)
    assert seen == []  # open to open: no health fact changed
    move_task(task=task, column=team.columns["Completed"], user=team.member)
    assert seen == [team.project.pk]
    move_task(task=task, column=team.columns["Review"], user=team.member)
    assert seen == [team.project.pk, team.project.pk]


def test_a_move_into_done_costs_under_fifteen_queries(in_team, django_assert_max_num_queries):
    team = in_team
    blocker, task, *_ = _tasks(team, "Review", 5)
    DependencyFactory(task=task, blocker=blocker)
    blocker = Task.objects.get(pk=blocker.pk)
    TaskAssigneeFactory(task=blocker, employee=team.employee(team.member2))
    # The screen has worked out the person's roles already (its 404 check): the move
    # itself, the history row and the counts stay under fifteen; entering done adds
    # the notice to the assignees (three) and the health recompute (four).
    from modules.projects.selectors.visibility import may_work_on

    assert may_work_on(team.member, team.project)
    with django_assert_max_num_queries(15 + 3 + 4):
        move_task(task=blocker, column=team.columns["Completed"], user=team.member)


def test_a_plain_move_costs_few_queries(in_team):
    team = in_team
    a, b, c = _tasks(team, "Todo", 3)
    move_task(task=a, column=team.columns["Progress"], user=team.member)  # warms the role cache
    with CaptureQueriesContext(connection) as queries:
        move_task(task=c, column=team.columns["Todo"], before=b.pk, user=team.member)
    assert len(queries) <= 10, [q["sql"] for q in queries]


def test_the_move_is_published_to_the_project_after_commit(in_team, monkeypatch):
    team = in_team
    (task,) = _tasks(team, "Todo", 1)
    sent = []
    monkeypatch.setattr("modules.projects.live.publish_topic", lambda **kwargs: sent.append(kwargs))
    move_task(task=task, column=team.columns["Progress"], user=team.member)
    assert sent[0]["topic"] == "project" and sent[0]["object_id"] == team.project.pk
    payload = sent[0]["payload"]
    assert payload["task"] == task.pk and payload["column"] == team.columns["Progress"].pk
    assert payload["reference"] == task.reference and board_service.GAP
