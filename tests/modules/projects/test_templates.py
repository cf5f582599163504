"""Starting a project from a template: columns and tasks copied, dates moved."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from modules.projects.models import Column, Project, Task
from modules.projects.services import tasks as task_services
from modules.projects.services.comments import comment_add
from modules.projects.services.dependencies import dependency_add
from modules.projects.services.projects import project_create
from modules.projects.services.templates import project_start_from_template
from opsplatform.refusals import Refused
from opsplatform.tenancy import tenant_context
from tests.modules.projects.factories import LabelFactory


def _template(team):
    template = project_create(
        user=team.pm,
        code="TPL",
        name="Website template",
        is_template=True,
        start_date=date(2026, 1, 5),
        due_date=date(2026, 3, 31),
        budget_hours=Decimal("200"),
        members=[team.employee(team.member)],
    )
    design = LabelFactory(name="Design")
    brief = task_services.task_create(
        user=team.pm,
        project=template,
        title="Brief",
        priority="high",
        estimate_hours=Decimal("4"),
        start_date=date(2026, 1, 5),
        due_date=date(2026, 1, 9),
        labels=[design],
        assignees=[team.employee(team.member)],
    )
    build = task_services.task_create(
        user=team.pm,
        project=template,
        title="Build",
        parent=brief,
        due_date=date(2026, 2, 1),
        column=Column.objects.get(project=template, name="Progress"),
    )
    dependency_add(user=team.pm, task=build, blocker=brief)
    task_services.checklist_item_add(user=team.pm, task=brief, text="Ask the client")
    comment_add(user=team.pm, task=brief, body="Not copied")
    return template


def test_columns_and_tasks_are_copied_with_dates_moved_and_numbers_from_one(in_team):
    team = in_team
    template = _template(team)
    # Numbers start again, whatever the template's sequence.
    project = project_start_from_template(
        user=team.pm, template=template, code="ACME", name="Acme site", start_date=date(2026, 6, 1)
    )
    shift = date(2026, 6, 1) - date(2026, 1, 5)
    assert project.due_date == date(2026, 3, 31) + shift
    assert project.budget_hours == Decimal("200")
    assert not project.is_template
    assert list(project.columns.values_list("name", flat=True)) == [
        "Todo",
        "Progress",
        "Review",
        "Completed",
    ]
    brief = Task.objects.get(project=project, title="Brief")
    build = Task.objects.get(project=project, title="Build")
    assert (brief.number, build.number) == (1, 2)
    assert brief.due_date == date(2026, 1, 9) + shift
    assert brief.priority == "high" and brief.estimate_hours == Decimal("4")
    assert [label.name for label in brief.labels.all()] == ["Design"]
    assert list(brief.checklist.values_list("text", "done")) == [("Ask the client", False)]
    assert build.parent == brief
    assert build.column.project == project and build.column.name == "Progress"
    assert list(build.blocker_links.values_list("blocker", flat=True)) == [brief.pk]
    # Not copied: people, comments, time.
    assert not brief.assignees.exists()
    assert not brief.comments.exists()
    assert Project.objects.get(pk=project.pk).task_sequence == 2


def test_only_a_template_starts_a_project(in_team):
    team = in_team
    with pytest.raises(Refused):
        project_start_from_template(
            user=team.pm,
            template=team.project,
            code="COPY",
            name="Copy",
            start_date=date(2026, 6, 1),
        )
    assert not Project.objects.filter(code="COPY").exists()


def test_the_template_button_opens_the_new_project_form_with_it(team, client_for):
    with tenant_context(team.tenant):
        template = _template(team)
    client = client_for(team.tenant, team.pm)
    change = client.get(reverse("admin:projects_project_change", args=[template.pk]))
    assert b"Start a project from this template" in change.content
    ordinary = client.get(reverse("admin:projects_project_change", args=[team.project.pk]))
    assert b"Start a project from this template" not in ordinary.content
    # A member may not start projects: no button, and the action itself is refused.
    member = client_for(team.tenant, team.member)
    assert b"Start a project from this template" not in (
        member.get(reverse("admin:projects_project_change", args=[template.pk])).content
    )
    assert (
        member.get(
            reverse("admin:projects_project_start_from_template", args=[template.pk])
        ).status_code
        == 403
    )
    started = client.get(reverse("admin:projects_project_start_from_template", args=[template.pk]))
    assert started.status_code == 302
    add = client.get(started["Location"])
    assert add.context_data["adminform"].form.initial["template"] == str(template.pk)
    response = client.post(
        started["Location"],
        {
            "code": "ACME",
            "name": "Acme",
            "status": "active",
            "template": template.pk,
            "start_date": "2026-06-01",
        },
    )
    assert response.status_code == 302, response.context_data["adminform"].form.errors
    with tenant_context(team.tenant):
        project = Project.objects.get(code="ACME")
        assert project.tasks.count() == 2
        assert project.due_date == date(2026, 3, 31) + (date(2026, 6, 1) - date(2026, 1, 5))
