"""The task list and My tasks cost the same number of queries however many tasks."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from modules.projects.services import tasks as task_services
from modules.projects.services.dependencies import dependency_add
from opsplatform.tenancy import tenant_context
from tests.modules.projects.factories import LabelFactory

pytestmark = pytest.mark.django_db


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


def _grow(team, count: int, start: int):
    with tenant_context(team.tenant):
        people = [team.employee(team.member), team.employee(team.member2)]
        today = team.tenant.today()
        label = LabelFactory()
        previous = None
        for n in range(count):
            task = task_services.task_create(
                user=team.pm,
                project=team.project,
                title=f"Task {start + n}",
                assignees=people,
                labels=[label],
                due_date=today + timedelta(days=(n % 12) - 4),
                column=list(team.columns.values())[n % 3],
            )
            if previous is not None:
                dependency_add(user=team.pm, task=task, blocker=previous)
            previous = task


@pytest.mark.parametrize("page", ["admin:projects_task_changelist", "admin:projects_my_tasks"])
def test_constant_queries_as_tasks_grow(team, client_for, page):
    client = client_for(team.tenant, team.member)
    url = reverse(page)
    _grow(team, 2, 0)
    client.get(url)  # warm per-process caches (content types, sidebar)
    few = _count(client, url)
    _grow(team, 25, 100)
    client.get(url)
    many = _count(client, url)
    assert many == few, f"{page}: {few} queries with 2 tasks, {many} with 27"
    assert many < 40


def test_my_tasks_groups_by_due(team, client_for):
    _grow(team, 12, 0)
    response = client_for(team.tenant, team.member).get(reverse("admin:projects_my_tasks"))
    groups = {group.key: len(group.tasks) for group in response.context_data["groups"]}
    assert groups["overdue"] == 4
    assert groups["today"] == 1
    assert sum(groups.values()) == 12
    assert b'data-testid="group-overdue"' in response.content
