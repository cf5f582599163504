"""The task page writes through the services: numbers, assignees' notices,
checklist, comments, and loops refused on the form."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from modules.projects.models import Task
from modules.projects.services import tasks as task_services
from modules.projects.services.dependencies import dependency_add
from opsplatform.notifications.models import Notification
from opsplatform.tenancy import tenant_context

pytestmark = pytest.mark.django_db


def form_data(response) -> dict:
    """What the page's form would send back unchanged (fields and every formset)."""
    data = {}
    form = response.context_data["adminform"].form
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is None:
            continue
        if isinstance(value, list | tuple):
            data[name] = [getattr(v, "pk", v) for v in value]
        else:
            data[name] = getattr(value, "pk", value)
    for inline in response.context_data["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[f"{formset.prefix}-{name}"] = management.initial.get(name, 0)
        for index, child in enumerate(formset.initial_forms):
            for name in child.fields:
                value = child.initial.get(name)
                if value is not None:
                    data[f"{formset.prefix}-{index}-{name}"] = getattr(value, "pk", value)
    return data


def test_adding_a_task_on_the_page(team, client_for):
    client = client_for(team.tenant, team.member)
    url = reverse("admin:projects_task_add") + f"?project={team.project.pk}"
    page = client.get(url)
    assert page.status_code == 200
    with tenant_context(team.tenant):
        mia = team.employee(team.member2)
    response = client.post(
        url,
        {
            "project": team.project.pk,
            "title": "Hero image",
            "column": team.columns["Progress"].pk,
            "priority": "high",
            "assignee_list": [mia.pk],
        },
    )
    assert response.status_code == 302, response.context_data["adminform"].form.errors
    with tenant_context(team.tenant):
        task = Task.objects.get()
        assert (task.reference, task.column.name) == ("WEB-1", "Progress")
        assert list(task.assignees.all()) == [mia]
        assert Notification.objects.filter(
            type_code="projects.assigned", recipient=team.member2
        ).exists()


def test_the_add_form_of_a_project_starts_in_its_first_column(team, client_for):
    from modules.projects.services.columns import column_reorder, column_retire
    from tests.modules.projects.team import make_project

    with tenant_context(team.tenant):
        # Review first, then Todo retired: the first column is the board's, not the oldest.
        cols = team.columns
        column_reorder(
            project=team.project,
            user=team.pm,
            order=[
                c.pk for c in (cols["Review"], cols["Todo"], cols["Progress"], cols["Completed"])
            ],
        )
        column_retire(column=cols["Todo"], user=team.pm, target=cols["Progress"])
        make_project(  # another project's columns are never offered
            code="OPS", manager=team.employee(team.pm)
        )
    client = client_for(team.tenant, team.member)
    url = reverse("admin:projects_task_add") + f"?project={team.project.pk}"
    page = client.get(url)
    select = re.search(r'<select name="column".*?</select>', page.content.decode(), re.S).group(0)
    options = re.findall(r'<option value="(\d*)"( selected)?>([^<]*)</option>', select)
    assert [(name, bool(chosen)) for _pk, chosen, name in options if _pk] == [
        ("Review", True),
        ("Progress", False),
        ("Completed", False),
    ]
    # Sent back as it was opened, with a title: the task lands in that column.
    response = client.post(
        url,
        {
            "project": team.project.pk,
            "title": "Hero",
            "column": cols["Review"].pk,
            "priority": "normal",
        },
    )
    assert response.status_code == 302, response.context_data["adminform"].form.errors
    with tenant_context(team.tenant):
        assert Task.objects.get(title="Hero").column == cols["Review"]


def test_a_loop_is_said_on_the_form_and_nothing_changes(team, client_for):
    with tenant_context(team.tenant):
        one = task_services.task_create(user=team.pm, project=team.project, title="One")
        two = task_services.task_create(user=team.pm, project=team.project, title="Two")
        dependency_add(user=team.pm, task=two, blocker=one)
    client = client_for(team.tenant, team.member)
    url = reverse("admin:projects_task_change", args=[one.pk])
    data = form_data(client.get(url))
    data["blocker_links-TOTAL_FORMS"] = 1
    data["blocker_links-0-blocker"] = two.pk
    data["blocker_links-0-task"] = one.pk
    data["comments-TOTAL_FORMS"] = 1
    data["comments-0-body"] = "Linking these"
    response = client.post(url, data)
    assert response.status_code == 200
    assert "WEB-1 → WEB-2 → WEB-1" in response.content.decode()
    with tenant_context(team.tenant):
        assert not one.blocker_links.exists()
        assert not one.comments.exists()


def test_checklist_and_comment_added_on_the_page(team, client_for):
    with tenant_context(team.tenant):
        task = task_services.task_create(user=team.pm, project=team.project, title="One")
    client = client_for(team.tenant, team.member)
    url = reverse("admin:projects_task_change", args=[task.pk])
    data = form_data(client.get(url))
    data.update(
        {
            "checklist-TOTAL_FORMS": 1,
            "checklist-0-text": "Draft",
            "checklist-0-order": 0,
            "comments-TOTAL_FORMS": 1,
            "comments-0-body": "Started, @mia",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    with tenant_context(team.tenant):
        assert list(task.checklist.values_list("text", flat=True)) == ["Draft"]
        comment = task.comments.get()
        assert comment.author == team.member
        assert Notification.objects.filter(
            type_code="projects.mentioned", recipient=team.member2
        ).exists()
