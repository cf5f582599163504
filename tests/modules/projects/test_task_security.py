"""What people outside a project reach of its tasks: nothing, on any path.

Hal works for the same company but is on no project; finance sees every task
but works on none; another company's ids are not there at all.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from modules.projects.models import Task
from modules.projects.services import tasks as task_services
from opsplatform.tenancy import tenant_context
from tests.modules.projects.factories import AttachmentFactory, LabelFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def task(team):
    with tenant_context(team.tenant):
        task = task_services.task_create(
            user=team.pm,
            project=team.project,
            title="Secret roadmap",
            assignees=[team.employee(team.member)],
            labels=[LabelFactory(name="Roadmap")],
        )
        task.attachment = AttachmentFactory(task=task)
    return task


def _urls(task) -> dict[str, str]:
    return {
        "change": reverse("admin:projects_task_change", args=[task.pk]),
        "history": reverse("admin:projects_task_history", args=[task.pk]),
        "delete": reverse("admin:projects_task_delete", args=[task.pk]),
        "file": task.attachment.file.url,
    }


def test_an_outsider_gets_404_for_a_task_by_id_on_every_page(team, task, client_for):
    client = client_for(team.tenant, team.outsider)
    for page, url in _urls(task).items():
        assert client.get(url).status_code == 404, page
    assert client.post(_urls(task)["delete"], {"post": "yes"}).status_code == 404
    with tenant_context(team.tenant):
        assert Task.objects.filter(pk=task.pk).exists()


def test_a_member_reaches_the_same_pages(team, task, client_for):
    client = client_for(team.tenant, team.member2)
    for page, url in _urls(task).items():
        assert client.get(url).status_code == 200, page


def test_an_outsider_sees_no_task_in_the_list_filters_search_or_export(team, task, client_for):
    client = client_for(team.tenant, team.outsider)
    changelist = reverse("admin:projects_task_changelist")
    response = client.get(changelist)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Secret roadmap" not in body
    assert "Website relaunch" not in body  # no project in the filter either
    for query in ("?q=WEB-1", "?q=Secret", f"?project={team.project.pk}", "?assignee=me"):
        assert "Secret roadmap" not in client.get(changelist + query).content.decode(), query
    export = client.post(reverse("admin:projects_task_export"), {"format": "0", "export_items": []})
    assert b"Secret roadmap" not in export.content


def _autocomplete(client, term):
    return client.get(
        reverse("admin:autocomplete"),
        {"term": term, "app_label": "projects", "model_name": "task", "field_name": "parent"},
    )


def test_an_outsider_finds_no_task_in_autocomplete_or_my_tasks(team, task, client_for):
    member = _autocomplete(client_for(team.tenant, team.member2), "Secret")
    assert member.status_code == 200 and b"Secret roadmap" in member.content
    outsider = client_for(team.tenant, team.outsider)
    assert b"Secret roadmap" not in _autocomplete(outsider, "Secret").content
    mine = outsider.get(reverse("admin:projects_my_tasks"))
    assert mine.status_code == 200
    assert b"Secret roadmap" not in mine.content


def test_finance_reads_tasks_but_cannot_change_them(team, task, client_for):
    client = client_for(team.tenant, team.finance)
    url = reverse("admin:projects_task_change", args=[task.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert b"Secret roadmap" in response.content
    assert b'name="title"' not in response.content  # shown, not editable
    client.post(url, {"title": "Changed by finance"})
    with tenant_context(team.tenant):
        assert Task.objects.get(pk=task.pk).title == "Secret roadmap"
    assert client.get(reverse("admin:projects_task_add")).status_code == 403


def test_another_companys_ids_are_404(team, task, tenant_b, owner_b, client_for):
    client = client_for(tenant_b, owner_b)
    for page, url in _urls(task).items():
        assert client.get(url).status_code == 404, page


def test_choices_on_the_task_form_are_the_projects_own(team, task, client_for):
    from tests.modules.projects.team import make_project

    with tenant_context(team.tenant):
        make_project(code="ERP", manager=team.employee(team.other_manager))
        other = task_services.task_create(
            user=team.owner, project=Task.objects.get(pk=task.pk).project, title="Sibling"
        )
    client = client_for(team.tenant, team.owner)
    response = client.get(reverse("admin:projects_task_change", args=[task.pk]))
    fields = response.context_data["adminform"].form.fields
    with tenant_context(team.tenant):
        # The columns offered are WEB's four, not ERP's (same names, other ids).
        assert {c.project.code for c in fields["column"].queryset} == {"WEB"}
        assert list(fields["parent"].queryset) == [other]  # not the task itself
        people = {e.first_name for e in fields["assignee_list"].queryset}
    assert people == {"Pam", "Max", "Mia"}  # Hal is not on the project
