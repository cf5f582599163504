"""The board page and the move endpoint: who sees and moves what, filters, query counts."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from modules.projects.models import Task
from opsplatform.tenancy import tenant_context
from tests.conftest import host_of
from tests.modules.projects.factories import (
    ChecklistItemFactory,
    DependencyFactory,
    LabelFactory,
    TaskAssigneeFactory,
    TaskFactory,
    TaskLabelFactory,
)


def _board(team) -> str:
    return reverse("admin:projects_board", args=[team.project.pk])


def _move(task) -> str:
    return reverse("admin:projects_task_move", args=[task.pk])


def _cards(team, n: int, column: str = "Todo") -> list[Task]:
    with tenant_context(team.tenant):
        label = LabelFactory(name=f"Label {n}", colour="#ff0000")
        tasks = []
        for _ in range(n):
            task = TaskFactory(
                project=team.project, column=team.columns[column], estimate_hours=Decimal("4")
            )
            TaskAssigneeFactory(task=task, employee=team.employee(team.member))
            TaskLabelFactory(task=task, label=label)
            ChecklistItemFactory(task=task, done=True)
            ChecklistItemFactory(task=task)
            tasks.append(task)
        return tasks


def test_a_card_shows_what_the_team_needs(team, client_for):
    with tenant_context(team.tenant):
        today = team.tenant.today()
        task = TaskFactory(
            project=team.project,
            column=team.columns["Progress"],
            title="Write the copy",
            priority="urgent",
            due_date=today - timedelta(days=1),
            estimate_hours=Decimal("8"),
            hours_logged=Decimal("3.5"),
        )
        TaskAssigneeFactory(task=task, employee=team.employee(team.member))
        TaskLabelFactory(task=task, label=LabelFactory(name="Copy", colour="#00aa00"))
        ChecklistItemFactory(task=task, done=True)
        ChecklistItemFactory(task=task)
        ChecklistItemFactory(task=task)
    page = client_for(team.tenant, team.member).get(_board(team))
    assert page.status_code == 200
    html = page.content.decode()
    assert f"WEB-{task.number}" in html and "Write the copy" in html
    assert "Urgent" in html
    assert "pb-overdue" in html
    assert "1/3" in html
    assert "3.5 / 8" in html
    assert "--pb-label: #00aa00" in html and "Copy" in html
    assert 'title="Max E-5"' in html or "Max" in html
    assert "<script>" not in html.split('data-testid="board"')[1]  # CSP: no inline script


def test_columns_show_counts_and_over_limit_marks(team, client_for):
    with tenant_context(team.tenant):
        team.columns["Progress"].wip_limit = 1
        team.columns["Progress"].save()
    _cards(team, 2, "Progress")
    html = client_for(team.tenant, team.member).get(_board(team)).content.decode()
    progress = html.split(f'data-column="{team.columns["Progress"].pk}"')[1].split("</header>")[0]
    assert "pb-over" in html and '<span class="pb-count" data-count' in progress
    assert ">2</span>" in progress and "/ 1" in progress


def test_people_who_cannot_see_the_project_get_a_404(team, client_for, tenant_b, owner_b):
    assert client_for(team.tenant, team.outsider).get(_board(team)).status_code == 404
    assert client_for(team.tenant, team.other_manager).get(_board(team)).status_code == 404
    assert client_for(tenant_b, owner_b).get(_board(team)).status_code == 404


def test_finance_sees_a_read_only_board(team, client_for):
    (task,) = _cards(team, 1)
    client = client_for(team.tenant, team.finance)
    html = client.get(_board(team)).content.decode()
    assert 'data-testid="board-readonly"' in html
    assert 'draggable="true"' not in html and "data-move-menu" not in html
    response = client.post(
        _move(task),
        json.dumps({"column": team.columns["Progress"].pk}),
        content_type="application/json",
    )
    assert response.status_code == 403
    with tenant_context(team.tenant):
        assert Task.objects.get(pk=task.pk).column_id == team.columns["Todo"].pk


def test_filters_by_assignee_label_and_mine(team, client_for):
    mine = _cards(team, 2)
    with tenant_context(team.tenant):
        other = TaskFactory(project=team.project, column=team.columns["Todo"])
        TaskAssigneeFactory(task=other, employee=team.employee(team.member2))
        label = LabelFactory(name="Design")
        TaskLabelFactory(task=other, label=label)
    client = client_for(team.tenant, team.member)

    def shown(query: str) -> set[str]:
        html = client.get(_board(team) + query).content.decode()
        return {t.reference for t in (*mine, other) if f'data-reference="{t.reference}"' in html}

    with tenant_context(team.tenant):
        refs_mine = {t.reference for t in mine}
        ref_other = other.reference
        max_id, mia_id = team.employee(team.member).pk, team.employee(team.member2).pk
    assert shown("?mine=1") == refs_mine
    assert shown(f"?assignee={mia_id}") == {ref_other}
    assert shown(f"?assignee={max_id}") == refs_mine
    assert shown(f"?label={label.pk}") == {ref_other}
    assert shown("?assignee=x&label=-3") == {*refs_mine, ref_other}  # nonsense: no filter


def test_the_board_costs_the_same_queries_for_10_or_60_cards(team, client_for):
    client = client_for(team.tenant, team.member)
    _cards(team, 10)
    client.get(_board(team))  # warm the session and caches
    with CaptureQueriesContext(connection) as ten:
        assert client.get(_board(team)).status_code == 200
    _cards(team, 50, "Progress")
    with CaptureQueriesContext(connection) as sixty:
        page = client.get(_board(team))
    assert page.content.decode().count('data-testid="card"') == 60
    assert len(sixty) == len(ten), [q["sql"][:120] for q in sixty]


def test_a_member_moves_a_card_with_json_and_gets_the_counts(team, client_for):
    a, b = _cards(team, 2)
    client = client_for(team.tenant, team.member)
    response = client.post(
        _move(b),
        json.dumps({"column": team.columns["Todo"].pk, "before": a.pk}),
        content_type="application/json",
    )
    assert response.status_code == 200
    data = response.json()
    assert data["ok"] and data["column"] == team.columns["Todo"].pk and data["count"] == 2
    response = client.post(
        _move(a),
        json.dumps({"column": team.columns["Review"].pk}),
        content_type="application/json",
    )
    assert response.json()["from_count"] == 1 and response.json()["count"] == 1
    with tenant_context(team.tenant):
        assert Task.objects.get(pk=a.pk).column_id == team.columns["Review"].pk


def test_a_refused_move_answers_with_the_message(team, client_for):
    task, blocker = _cards(team, 2)
    with tenant_context(team.tenant):
        DependencyFactory(task=task, blocker=blocker)
        reference = blocker.reference
    response = client_for(team.tenant, team.member).post(
        _move(task),
        json.dumps({"column": team.columns["Completed"].pk}),
        content_type="application/json",
    )
    assert response.status_code == 409
    assert reference in response.json()["message"]


def test_a_form_post_moves_and_redirects_to_the_board(team, client_for):
    (task,) = _cards(team, 1)
    response = client_for(team.tenant, team.member).post(
        _move(task), {"column": team.columns["Progress"].pk}
    )
    assert response.status_code == 302 and response["Location"] == _board(team)
    with tenant_context(team.tenant):
        assert Task.objects.get(pk=task.pk).column_id == team.columns["Progress"].pk


def test_a_move_needs_the_csrf_token(team):
    (task,) = _cards(team, 1)
    client = Client(HTTP_HOST=host_of(team.tenant), enforce_csrf_checks=True)
    client.force_login(team.member)
    response = client.post(
        _move(task),
        json.dumps({"column": team.columns["Progress"].pk}),
        content_type="application/json",
    )
    assert response.status_code == 403
    with tenant_context(team.tenant):
        assert Task.objects.get(pk=task.pk).column_id == team.columns["Todo"].pk


@pytest.mark.parametrize("who", ["outsider", "other_manager"])
def test_an_outsider_cannot_move_a_card_by_id(team, client_for, who):
    (task,) = _cards(team, 1)
    response = client_for(team.tenant, getattr(team, who)).post(
        _move(task),
        json.dumps({"column": team.columns["Progress"].pk}),
        content_type="application/json",
    )
    assert response.status_code == 404


def test_another_companys_task_id_is_a_404(team, client_for, tenant_b, owner_b):
    (task,) = _cards(team, 1)
    response = client_for(tenant_b, owner_b).post(
        _move(task), {"column": team.columns["Progress"].pk}
    )
    assert response.status_code == 404


def test_a_get_on_the_move_endpoint_changes_nothing(team, client_for):
    (task,) = _cards(team, 1)
    response = client_for(team.tenant, team.member).get(_move(task))
    assert response.status_code == 405


def test_the_project_page_links_to_the_board(team, client_for):
    url = reverse("admin:projects_project_change", args=[team.project.pk])
    html = client_for(team.tenant, team.pm).get(url).content.decode()
    assert _board(team) in html
