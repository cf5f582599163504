"""Starting and editing projects (services/projects.py, admin/projects.py)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from modules.projects.models import Column, Project, ProjectMember
from modules.projects.services.projects import member_add, project_create, project_update
from opsplatform.refusals import Refused
from opsplatform.tenancy import tenant_context

pytestmark = pytest.mark.django_db


def test_a_new_project_gets_the_four_demo_columns_and_its_starter_as_manager(in_team):
    team = in_team
    project = project_create(user=team.other_manager, code="ERP", name="ERP rollout")
    assert project.manager == team.employee(team.other_manager)
    assert project.created_by == team.other_manager
    columns = list(Column.objects.filter(project=project).values_list("name", "is_done"))
    assert columns == [
        ("Todo", False),
        ("Progress", False),
        ("Review", False),
        ("Completed", True),
    ]


def test_only_starters_create_and_only_the_manager_edits(in_team):
    team = in_team
    for user in (team.member, team.finance, team.outsider):
        with pytest.raises(Refused):
            project_create(user=user, code="NOPE", name="No")
    assert not Project.objects.filter(code="NOPE").exists()
    with pytest.raises(Refused):
        project_update(user=team.member, project=team.project, name="Mine")
    with pytest.raises(Refused):
        project_update(user=team.other_manager, project=team.project, name="Mine")
    project_update(user=team.pm, project=team.project, name="Website 2")
    assert Project.objects.get(pk=team.project.pk).name == "Website 2"


def test_a_starter_without_an_employee_record_names_a_manager(in_team, make_member):
    from tenants.roles import RoleCode

    team = in_team
    boss = make_member(team.tenant, "boss@acme.test", roles=[RoleCode.CEO])
    with pytest.raises(Refused, match="manager"):
        project_create(user=boss, code="OPS", name="Ops")
    project = project_create(user=boss, code="OPS", name="Ops", manager=team.employee(team.pm))
    assert project.manager == team.employee(team.pm)


def test_bad_fields_are_refused_whole(in_team):
    team = in_team
    with pytest.raises(ValidationError, match="capital letters"):
        project_create(user=team.pm, code="web", name="Lower case")
    with pytest.raises(ValidationError, match="before the start date"):
        project_create(
            user=team.pm,
            code="DATES",
            name="Backwards",
            start_date=date(2026, 5, 2),
            due_date=date(2026, 5, 1),
        )
    assert not Project.objects.filter(code__in=["web", "DATES"]).exists()
    assert not Column.objects.filter(project__code="DATES").exists()


def test_members_are_added_once_by_the_manager(in_team):
    team = in_team
    hal = team.employee(team.outsider)
    with pytest.raises(Refused):
        member_add(user=team.member, project=team.project, employee=hal)
    member_add(user=team.pm, project=team.project, employee=hal)
    with pytest.raises(Refused):
        member_add(user=team.pm, project=team.project, employee=hal)
    assert ProjectMember.objects.filter(project=team.project, employee=hal).count() == 1


def _project_page(client, project):
    return client.get(reverse("admin:projects_project_change", args=[project.pk]))


def test_money_fields_are_for_the_manager_finance_and_leadership(team, client_for):
    for user, sees in (
        (team.pm, True),
        (team.finance, True),
        (team.owner, True),
        (team.member, False),
    ):
        response = _project_page(client_for(team.tenant, user), team.project)
        assert response.status_code == 200, user
        body = response.content.decode()
        assert ("20000" in body) is sees, user  # budget_amount
        assert "budget_hours" in body or "400" in body, user
    listing = client_for(team.tenant, team.member).get(
        reverse("admin:projects_project_changelist") + "?budget_amount__gte=1"
    )
    assert listing.status_code == 400  # filtering by a hidden figure is refused


def test_the_list_and_its_filters_show_only_visible_projects(team, client_for):
    with tenant_context(team.tenant):
        erp = project_create(user=team.other_manager, code="ERP", name="Secret ERP")
    body = (
        client_for(team.tenant, team.member)
        .get(reverse("admin:projects_project_changelist"))
        .content.decode()
    )
    assert "Website relaunch" in body
    assert "Secret ERP" not in body
    assert "Ned" not in body  # ERP's manager is not offered in the manager filter
    assert (
        client_for(team.tenant, team.member)
        .get(reverse("admin:projects_project_change", args=[erp.pk]))
        .status_code
        == 404
    )


def test_a_project_started_on_the_page_by_a_manager(team, client_for):
    client = client_for(team.tenant, team.other_manager)
    add = reverse("admin:projects_project_add")
    assert client.get(add).status_code == 200
    with tenant_context(team.tenant):
        mia = team.employee(team.member2)
    response = client.post(
        add,
        {
            "code": "ERP",
            "name": "ERP rollout",
            "status": "planned",
            "member_list": [mia.pk],
            "budget_hours": "120",
            "budget_amount": "9000",
        },
    )
    assert response.status_code == 302, response.context_data["adminform"].form.errors
    with tenant_context(team.tenant):
        project = Project.objects.get(code="ERP")
        assert project.manager == team.employee(team.other_manager)
        assert project.budget_amount == Decimal("9000")
        assert list(project.members.all()) == [mia]
        assert project.columns.count() == 4
    # Mia, now a member, sees it; a member cannot edit it.
    member = client_for(team.tenant, team.member2)
    page = member.get(reverse("admin:projects_project_change", args=[project.pk]))
    assert page.status_code == 200
    assert b'name="name"' not in page.content
