"""The project's workflow: adding, renaming, reordering, done marks, WIP limits and retiring."""

from __future__ import annotations

import pytest
from django.http import Http404

from modules.projects.models import Column, Task
from modules.projects.services import columns as workflow
from opsplatform.refusals import Refused
from tests.modules.projects.factories import DependencyFactory, TaskFactory


def _names(project) -> list[str]:
    return [c.name for c in workflow.active_columns(project)]


def test_the_manager_adds_a_column_at_the_end(in_team):
    team = in_team
    column = workflow.column_add(project=team.project, name=" QA ", user=team.pm, wip_limit=3)
    assert _names(team.project) == ["Todo", "Progress", "Review", "Completed", "QA"]
    assert column.wip_limit == 3
    assert column.history.first().history_user_id == team.pm.pk


def test_a_duplicate_name_is_refused(in_team):
    team = in_team
    with pytest.raises(Exception) as error:
        workflow.column_add(project=team.project, name="todo", user=team.pm)
    assert "already has a column" in str(error.value)


def test_members_and_finance_cannot_change_the_workflow_and_outsiders_get_a_404(in_team):
    team = in_team
    for user in (team.member, team.finance, team.other_manager):
        if user is team.other_manager:
            with pytest.raises(Http404):
                workflow.column_add(project=team.project, name="QA", user=user)
        else:
            with pytest.raises(Refused):
                workflow.column_add(project=team.project, name="QA", user=user)
    assert len(_names(team.project)) == 4


def test_rename_and_wip_limit(in_team):
    team = in_team
    column = team.columns["Progress"]
    workflow.column_update(column=column, user=team.pm, name="Doing", is_done=False, wip_limit=2)
    column.refresh_from_db()
    assert (column.name, column.wip_limit) == ("Doing", 2)


def test_reorder_puts_the_columns_in_the_given_order_with_history(in_team):
    team = in_team
    c = team.columns
    workflow.column_reorder(
        project=team.project,
        user=team.pm,
        order=[c["Progress"].pk, c["Todo"].pk, c["Review"].pk, c["Completed"].pk],
    )
    assert _names(team.project) == ["Progress", "Todo", "Review", "Completed"]
    assert c["Todo"].history.order_by("-history_id").first().history_change_reason == (
        "Columns reordered"
    )
    workflow.column_shift(column=c["Completed"], user=team.pm, by=-1)
    assert _names(team.project) == ["Progress", "Todo", "Completed", "Review"]


def test_a_stale_reorder_is_refused(in_team):
    team = in_team
    with pytest.raises(Refused):
        workflow.column_reorder(project=team.project, user=team.pm, order=[team.columns["Todo"].pk])


def test_the_last_done_column_cannot_be_unmarked(in_team):
    team = in_team
    done = team.columns["Completed"]
    with pytest.raises(Refused) as refusal:
        workflow.column_update(
            column=done, user=team.pm, name="Completed", is_done=False, wip_limit=None
        )
    assert "done column" in refusal.value.messages[0]
    done.refresh_from_db()
    assert done.is_done


def test_marking_a_column_done_completes_its_tasks_and_unmarking_reopens_them(in_team):
    team = in_team
    review = team.columns["Review"]
    task = TaskFactory(project=team.project, column=review)
    workflow.column_update(column=review, user=team.pm, name="Review", is_done=True, wip_limit=None)
    task.refresh_from_db()
    assert task.completed_at is not None
    workflow.column_update(
        column=review, user=team.pm, name="Review", is_done=False, wip_limit=None
    )
    task.refresh_from_db()
    assert task.completed_at is None


def test_retiring_appends_the_tasks_in_order_to_the_chosen_column(in_team):
    team = in_team
    c = team.columns
    kept = TaskFactory(project=team.project, column=c["Progress"], position=10)
    first = TaskFactory(project=team.project, column=c["Review"], position=5)
    second = TaskFactory(project=team.project, column=c["Review"], position=7)
    moved = workflow.column_retire(column=c["Review"], user=team.pm, target=c["Progress"])
    assert moved == 2
    order = list(
        Task.objects.filter(column=c["Progress"]).order_by("position").values_list("pk", flat=True)
    )
    assert order == [kept.pk, first.pk, second.pk]
    c["Review"].refresh_from_db()
    assert c["Review"].retired_at is not None
    assert _names(team.project) == ["Todo", "Progress", "Completed"]
    assert not Task.objects.filter(column=c["Review"]).exists()  # nothing orphaned
    reason = first.history.order_by("-history_id").first().history_change_reason
    assert "Review" in reason and "Progress" in reason


def test_a_retired_column_frees_its_name(in_team):
    team = in_team
    c = team.columns
    workflow.column_retire(column=c["Review"], user=team.pm, target=c["Progress"])
    again = workflow.column_add(project=team.project, name="Review", user=team.pm)
    assert again.pk != c["Review"].pk


def test_the_last_done_column_or_the_last_column_cannot_be_retired(in_team):
    team = in_team
    c = team.columns
    with pytest.raises(Refused) as refusal:
        workflow.column_retire(column=c["Completed"], user=team.pm, target=c["Review"])
    assert "done column" in refusal.value.messages[0]
    assert Column.objects.get(pk=c["Completed"].pk).retired_at is None


def test_retiring_into_itself_or_a_retired_column_is_refused(in_team):
    team = in_team
    c = team.columns
    with pytest.raises(Refused):
        workflow.column_retire(column=c["Todo"], user=team.pm, target=c["Todo"])
    workflow.column_retire(column=c["Review"], user=team.pm, target=c["Progress"])
    with pytest.raises(Refused):
        workflow.column_retire(column=c["Todo"], user=team.pm, target=c["Review"])


def test_retiring_into_a_done_column_refuses_tasks_with_open_blockers(in_team):
    team = in_team
    c = team.columns
    task = TaskFactory(project=team.project, column=c["Review"])
    blocker = TaskFactory(project=team.project, column=c["Todo"])
    DependencyFactory(task=task, blocker=blocker)
    with pytest.raises(Refused) as refusal:
        workflow.column_retire(column=c["Review"], user=team.pm, target=c["Completed"])
    assert blocker.reference in refusal.value.messages[0]
    task.refresh_from_db()
    assert task.column_id == c["Review"].pk


def test_the_workflow_page_edits_as_the_manager_and_reads_only_for_members(team, client_for):
    from django.urls import reverse

    from opsplatform.tenancy import tenant_context

    url = reverse("admin:projects_columns", args=[team.project.pk])
    pm = client_for(team.tenant, team.pm)
    page = pm.get(url)
    assert page.status_code == 200 and b'data-testid="add-column-form"' in page.content
    response = pm.post(url, {"action": "add", "add-name": "QA", "add-wip_limit": "2"})
    assert response.status_code == 302
    with tenant_context(team.tenant):
        assert "QA" in _names(team.project)
        review = team.columns["Review"].pk
        progress = team.columns["Progress"].pk
    pm.post(url, {"action": "retire", "column": review, "target": progress})
    with tenant_context(team.tenant):
        assert "Review" not in _names(team.project)

    member = client_for(team.tenant, team.member)
    page = member.get(url)
    assert page.status_code == 200 and b"add-column-form" not in page.content
    member.post(url, {"action": "add", "add-name": "Sneaky"})
    with tenant_context(team.tenant):
        assert "Sneaky" not in _names(team.project)
    assert client_for(team.tenant, team.outsider).get(url).status_code == 404


def test_a_taken_name_on_the_page_is_a_message_not_an_error(team, client_for):
    from django.urls import reverse

    url = reverse("admin:projects_columns", args=[team.project.pk])
    pm = client_for(team.tenant, team.pm)
    response = pm.post(url, {"action": "add", "add-name": "todo"}, follow=True)
    assert response.status_code == 200
    assert "already has a column with this name" in response.content.decode()
    progress = team.columns["Progress"].pk
    response = pm.post(
        url, {"action": "save", "column": progress, f"c{progress}-name": "Todo"}, follow=True
    )
    assert "already has a column with this name" in response.content.decode()
