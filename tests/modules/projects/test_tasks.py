"""Tasks as people create and work them (services/tasks.py)."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from modules.projects.models import ChecklistItem, Task
from modules.projects.services import tasks as task_services
from opsplatform.notifications.models import Notification
from opsplatform.refusals import Refused
from tests.modules.projects.factories import LabelFactory


def _task(team, user=None, **fields):
    fields.setdefault("title", "Write the copy")
    return task_services.task_create(user=user or team.member, project=team.project, **fields)


def test_a_new_task_takes_the_next_number_the_first_column_and_the_end_of_it(in_team):
    team = in_team
    first = _task(in_team)
    second = _task(in_team, title="Pick the fonts")
    assert (first.number, second.number) == (1, 2)
    assert first.column == team.columns["Todo"] == second.column
    assert second.position > first.position
    assert first.reference == "WEB-1"
    assert first.created_by == team.member


def test_assigning_tells_the_new_assignee_and_not_the_one_who_assigned(in_team):
    team = in_team
    max_, mia = team.employee(team.member), team.employee(team.member2)
    task = _task(in_team, assignees=[max_, mia])
    assert set(task.assignees.all()) == {max_, mia}
    notices = Notification.objects.filter(type_code="projects.assigned")
    assert [n.recipient for n in notices] == [team.member2]
    assert notices[0].context["reference"] == "WEB-1"
    # Assigning again tells only whoever is new.
    task_services.task_update(user=team.pm, task=task, assignees=[max_, mia])
    assert notices.count() == 1


def test_only_the_projects_people_can_be_assigned(in_team):
    team = in_team
    hal = team.employee(team.outsider)
    with pytest.raises(Refused, match="Hal"):
        _task(in_team, assignees=[hal])
    assert not Task.objects.exists()
    # The manager can be, without being a member.
    task = _task(in_team, assignees=[team.employee(team.pm)])
    assert list(task.assignees.all()) == [team.employee(team.pm)]


def test_people_outside_the_project_cannot_create_or_change_its_tasks(in_team):
    team = in_team
    for user in (team.outsider, team.other_manager, team.finance):
        with pytest.raises(Refused):
            _task(in_team, user=user)
    task = _task(in_team)
    with pytest.raises(Refused):
        task_services.task_update(user=team.outsider, task=task, title="Mine now")
    task.refresh_from_db()
    assert task.title == "Write the copy"


def test_labels_and_checklist(in_team):
    team = in_team
    urgent, design = LabelFactory(name="Urgent"), LabelFactory(name="Design")
    task = _task(in_team, labels=[urgent, design])
    assert set(task.labels.all()) == {urgent, design}
    task_services.task_update(user=team.member, task=task, labels=[design])
    assert list(task.labels.all()) == [design]
    a = task_services.checklist_item_add(user=team.member, task=task, text="Draft")
    b = task_services.checklist_item_add(user=team.member, task=task, text="Review")
    task_services.checklist_item_toggle(user=team.member, item=a)
    assert ChecklistItem.objects.get(pk=a.pk).done
    task_services.checklist_reorder(user=team.member, task=task, item_ids=[b.pk, a.pk])
    assert list(task.checklist.values_list("text", flat=True)) == ["Review", "Draft"]
    with pytest.raises(Refused):
        task_services.checklist_reorder(user=team.member, task=task, item_ids=[b.pk])


def test_a_parent_is_in_the_same_project_and_never_a_descendant(in_team):
    team = in_team
    top = _task(in_team, title="Top")
    middle = _task(in_team, title="Middle", parent=top)
    bottom = _task(in_team, title="Bottom", parent=middle)
    with pytest.raises(Refused, match="own ancestor"):
        task_services.task_update(user=team.member, task=top, parent=bottom)
    with pytest.raises(Refused, match="own parent"):
        task_services.task_update(user=team.member, task=top, parent=top)
    top.refresh_from_db()
    assert top.parent is None
    from tests.modules.projects.team import make_project

    other, _cols = make_project(code="ERP", manager=team.employee(team.pm))
    stranger = task_services.task_create(user=team.pm, project=other, title="Elsewhere")
    with pytest.raises(Refused, match="same project"):
        task_services.task_update(user=team.pm, task=bottom, parent=stranger)


def test_a_column_of_another_project_is_refused(in_team):
    team = in_team
    from tests.modules.projects.team import make_project

    _other, columns = make_project(code="ERP", manager=team.employee(team.pm))
    with pytest.raises(Refused, match="column"):
        _task(in_team, column=columns["Todo"])


def test_moving_into_a_done_column_sets_completed_and_needs_blockers_done(in_team):
    team = in_team
    from modules.projects.services.dependencies import dependency_add

    blocker = _task(in_team, title="Blocker")
    task = _task(in_team, title="Waits", assignees=[team.employee(team.member2)])
    dependency_add(user=team.member, task=task, blocker=blocker)
    with pytest.raises(Refused, match="WEB-1"):
        task_services.task_update(user=team.member, task=task, column=team.columns["Completed"])
    task_services.task_update(user=team.member, task=blocker, column=team.columns["Completed"])
    blocker.refresh_from_db()
    assert blocker.completed_at is not None
    task = Task.objects.get(pk=task.pk)
    task_services.task_update(user=team.member, task=task, column=team.columns["Completed"])
    assert Notification.objects.filter(
        type_code="projects.task_done", recipient=team.member2
    ).exists()
    task_services.task_update(user=team.member, task=task, column=team.columns["Todo"])
    task.refresh_from_db()
    assert task.completed_at is None


def test_dates_in_order(in_team):
    with pytest.raises(ValidationError, match="before the start date"):
        _task(in_team, start_date=date(2026, 10, 2), due_date=date(2026, 10, 1))
    assert not Task.objects.exists()


def test_removing_a_member_takes_them_off_the_projects_tasks(in_team):
    team = in_team
    from modules.projects.services.projects import member_remove

    mia = team.employee(team.member2)
    task = _task(in_team, assignees=[mia])
    member_remove(user=team.pm, project=team.project, employee=mia)
    assert not task.assignees.exists()
    with pytest.raises(Refused):
        member_remove(user=team.pm, project=team.project, employee=mia)
