"""The analytics page and its export: who reaches it, what money they see, constant queries."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from freezegun import freeze_time
from openpyxl import load_workbook

from modules.projects.models import Project
from modules.projects.services.health import recompute
from opsplatform.tenancy import tenant_context
from tests.modules.projects.analytics_fixture import TODAY, build
from tests.modules.projects.health_helpers import log, task
from tests.modules.projects.team import make_project

pytestmark = pytest.mark.django_db

OCTOBER = "?range=custom&start=2026-10-01&end=2026-10-31"


def page_url(project) -> str:
    return f"/admin/projects/project/{project.pk}/analytics/"


def export_url(project) -> str:
    return f"/admin/projects/project/{project.pk}/analytics/export/"


@pytest.fixture
def built(team):
    with tenant_context(team.tenant), freeze_time(TODAY):
        fixture = build(team)
        recompute(team.project)
    return fixture


@freeze_time(TODAY)
def test_the_manager_sees_hours_money_health_and_the_lists(team, built, client_for):
    response = client_for(team.tenant, team.pm).get(page_url(team.project) + OCTOBER)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="kpi-hours">12' in page
    assert 'data-testid="kpi-cost">560' in page
    assert 'data-testid="kpi-bill">900' in page
    assert 'data-testid="kpi-margin">340' in page
    assert "37.8% of the billable value" in page
    assert 'data-testid="kpi-completed">1<' in page
    assert "1 of 4 due in this period are done" in page
    assert 'data-testid="kpi-behind">2<' in page
    assert "Overdue by 5 days" in page
    assert f"due before its blocker WEB-{built.t5.number}" in page
    assert "At risk: 1 task overdue; 1 task blocked; 1 task due before its blockers" in page
    assert 'data-type="line"' in page and 'data-type="bar"' in page
    assert "Mia E-6" in page and "Max E-5" in page


@freeze_time(TODAY)
@pytest.mark.parametrize("who", ["member", "member2"])
def test_members_see_hours_only(team, built, client_for, who):
    response = client_for(team.tenant, getattr(team, who)).get(page_url(team.project) + OCTOBER)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="kpi-hours">12' in page
    for hidden in ("kpi-cost", "kpi-bill", "kpi-margin", "Billable value", "560", "billable value"):
        assert hidden not in page, hidden


@freeze_time(TODAY)
@pytest.mark.parametrize("who", ["owner", "ceo", "finance"])
def test_leadership_and_finance_see_the_money(team, built, client_for, who):
    page = client_for(team.tenant, getattr(team, who)).get(page_url(team.project) + OCTOBER)
    assert 'data-testid="kpi-cost">560' in page.content.decode()


@freeze_time(TODAY)
@pytest.mark.parametrize("who", ["outsider", "other_manager"])
def test_people_outside_the_project_get_a_404_on_the_page_and_the_export(
    team, built, client_for, who
):
    client = client_for(team.tenant, getattr(team, who))
    assert client.get(page_url(team.project)).status_code == 404
    assert client.get(export_url(team.project) + "?format=csv").status_code == 404


@freeze_time(TODAY)
def test_another_companys_project_is_a_404(team, built, client_for, tenant_b, owner_b):
    client = client_for(tenant_b, owner_b)
    assert client.get(page_url(team.project)).status_code == 404
    assert client.get(export_url(team.project)).status_code == 404
    assert (
        client_for(team.tenant, team.pm).get("/admin/projects/project/x1/analytics/").status_code
        == 404
    )


@freeze_time(TODAY)
def test_a_bad_custom_range_says_so_and_shows_the_projects_life(team, built, client_for):
    response = client_for(team.tenant, team.pm).get(
        page_url(team.project) + "?range=custom&start=2026-10-31&end=2026-10-01"
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "The end date cannot be before the start date." in page
    assert 'data-testid="kpi-hours">23.5' in page  # the whole life


@freeze_time(TODAY)
def test_a_preset_range(team, built, client_for):
    page = client_for(team.tenant, team.member).get(page_url(team.project) + "?range=month")
    assert 'data-testid="kpi-hours">12' in page.content.decode()


@freeze_time(TODAY)
def test_the_page_costs_the_same_queries_with_more_data(
    team, built, client_for, django_assert_max_num_queries
):
    client = client_for(team.tenant, team.pm)
    client.get(page_url(team.project) + OCTOBER)  # warm caches (sessions, roles)
    with CaptureQueriesContext(connection) as before:
        client.get(page_url(team.project) + OCTOBER)
    with tenant_context(team.tenant):
        for day in range(1, 20):
            item = task(team, estimate=1, due=date(2026, 10, 2))
            log(team, item, who=team.employee(team.member2), on=date(2026, 10, day), hours=1)
            log(team, item, who=team.employee(team.pm), on=date(2026, 10, day), hours=1)
    with CaptureQueriesContext(connection) as after:
        response = client.get(page_url(team.project) + OCTOBER)
    assert response.status_code == 200
    assert len(after) == len(before)
    with django_assert_max_num_queries(len(before)):
        client.get(page_url(team.project) + OCTOBER)


# -- the export -------------------------------------------------------------------------


@freeze_time(TODAY)
def test_the_xlsx_export_has_the_pages_figures_for_the_same_range(team, built, client_for):
    response = client_for(team.tenant, team.pm).get(
        export_url(team.project) + OCTOBER + "&format=xlsx"
    )
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="WEB-analytics-2026-10-01-2026-10-31.xlsx"'
    )
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Summary", "Hours per person", "Burndown", "Behind schedule"]
    summary = {row[0]: row[1] for row in book["Summary"].iter_rows(min_row=2, values_only=True)}
    assert float(summary["Hours logged in the period"]) == 12
    assert float(summary["Cost in the period"]) == 560
    assert float(summary["Margin in the period"]) == 340
    people = list(book["Hours per person"].iter_rows(values_only=True))
    assert people[0] == ("Person", "Hours", "Cost", "Billable value")
    assert [row[0] for row in people[1:]] == ["Mia E-6", "Max E-5"]
    assert book["Burndown"].max_row == 32  # the header and 31 days
    behind = list(book["Behind schedule"].iter_rows(min_row=2, values_only=True))
    assert [row[1] for row in behind] == ["Test", "Launch"]


@freeze_time(TODAY)
def test_a_members_csv_has_no_money(team, built, client_for):
    response = client_for(team.tenant, team.member).get(
        export_url(team.project) + OCTOBER + "&format=csv"
    )
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    assert "Hours logged in the period,12" in text
    for hidden in ("Cost", "Billable value", "Margin", "560", "900"):
        assert hidden not in text, hidden


@freeze_time(TODAY)
def test_text_that_looks_like_a_formula_is_exported_as_text(team, built, client_for):
    with tenant_context(team.tenant):
        task(team, due=date(2026, 10, 1), title="=HYPERLINK(1)")
    response = client_for(team.tenant, team.pm).get(export_url(team.project) + "?format=csv")
    assert "'=HYPERLINK(1)" in response.content.decode("utf-8-sig")


def test_a_template_project_page_still_opens(team, client_for):
    with tenant_context(team.tenant):
        template, _ = make_project(code="TPL", manager=team.employee(team.pm), is_template=True)
        assert Project.objects.get(pk=template.pk).health == ""
    response = client_for(team.tenant, team.owner).get(page_url(template))
    assert response.status_code == 200
    assert "Not computed yet" in response.content.decode()


@freeze_time(TODAY)
def test_the_page_reads_right_to_left_in_arabic(team, built, client_for):
    from tenants.models import Tenant

    Tenant.objects.filter(pk=team.tenant.pk).update(default_language="ar")
    response = client_for(team.tenant, team.pm).get(page_url(team.project) + OCTOBER)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'dir="rtl"' in page
    assert 'data-testid="kpi-hours">' in page
