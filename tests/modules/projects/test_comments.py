"""Comments with @mentions: the project's people hear, nobody else, never the author."""

from __future__ import annotations

import pytest
from django.urls import reverse

from modules.projects.models import Comment
from modules.projects.services import tasks as task_services
from modules.projects.services.comments import comment_add
from opsplatform.notifications.models import Notification
from opsplatform.refusals import Refused
from opsplatform.tenancy import tenant_context


def _task(team):
    return task_services.task_create(user=team.pm, project=team.project, title="Logo")


def _mentioned():
    return sorted(
        n.recipient.email for n in Notification.objects.filter(type_code="projects.mentioned")
    )


def test_mentions_by_login_name_or_first_dot_last(in_team):
    team = in_team
    task = _task(team)
    max_ = team.employee(team.member)
    handle = f"{max_.first_name}.{max_.last_name}".lower()
    comment_add(user=team.pm, task=task, body=f"@mia please look, and @{handle}, thanks.")
    assert _mentioned() == ["max@acme.test", "mia@acme.test"]
    notice = Notification.objects.filter(recipient=team.member2).get()
    assert notice.context["reference"] == "WEB-1"
    assert "please look" in notice.context["excerpt"]


def test_people_outside_the_project_the_author_and_emails_are_not_mentioned(in_team):
    team = in_team
    task = _task(team)
    comment_add(user=team.member, task=task, body="@hal @max write to pam@acme.test")
    assert _mentioned() == []  # Hal is not on it, Max wrote it, an email is no mention
    assert Comment.objects.get().author == team.member


def test_outsiders_cannot_comment_and_empty_comments_are_refused(in_team):
    team = in_team
    task = _task(team)
    with pytest.raises(Refused):
        comment_add(user=team.outsider, task=task, body="Hello")
    with pytest.raises(Refused):
        comment_add(user=team.member, task=task, body="   ")
    assert not Comment.objects.exists()


def test_comments_are_added_on_the_task_page_and_never_edited(team, client_for):
    with tenant_context(team.tenant):
        task = _task(team)
        comment_add(user=team.pm, task=task, body="First thoughts")
    client = client_for(team.tenant, team.member)
    url = reverse("admin:projects_task_change", args=[task.pk])
    response = client.get(url)
    assert response.status_code == 200
    formsets = {f.formset.prefix: f for f in response.context_data["inline_admin_formsets"]}
    comments = formsets["comments"]
    assert not comments.has_change_permission and not comments.has_delete_permission
    assert comments.has_add_permission
