"""The week grid: what a person sees, one POST for the week, bad cells, submit, queries."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from modules.projects.models import Task, TimeLog, Timesheet
from modules.projects.services import timelogs
from opsplatform.tenancy import tenant_context
from tests.modules.projects.time_helpers import last_week, make_task

pytestmark = pytest.mark.django_db
URL = "/admin/projects/timelog/timesheet/"


def grid(client, week):
    return client.get(reverse("admin:projects_timesheet") + f"?week={week.isoformat()}")


def test_the_grid_shows_assigned_tasks_and_totals(team, client_for):
    with tenant_context(team.tenant):
        week = last_week(team.tenant)
        max_ = team.employee(team.member)
        task = make_task(team, "Design the header", assignees=[max_])
        timelogs.timelog_create(user=team.member, task=task, day=week, hours=Decimal("2"))
        timelogs.timelog_create(
            user=team.member, task=task, day=week + timedelta(days=1), hours=Decimal("1.5")
        )
    response = grid(client_for(team.tenant, team.member), week)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Design the header" in page
    assert f'name="c-{task.pk}-{week.isoformat()}" value="2"' in page
    assert 'data-testid="week-total">3.50<' in page


def test_one_post_saves_the_week_and_a_bad_cell_saves_nothing(team, client_for):
    with tenant_context(team.tenant):
        week = last_week(team.tenant)
        task = make_task(team, "Write copy", assignees=[team.employee(team.member)])
    client = client_for(team.tenant, team.member)
    cell = lambda offset: f"c-{task.pk}-{(week + timedelta(days=offset)).isoformat()}"  # noqa: E731
    bad = client.post(
        reverse("admin:projects_timesheet"),
        {"week": week.isoformat(), "row": [task.pk], cell(0): "3", cell(1): "lots", cell(2): "30"},
    )
    assert bad.status_code == 200
    page = bad.content.decode()
    assert "is not a number of hours" in page and "a day has 24" in page
    with tenant_context(team.tenant):
        assert not TimeLog.objects.exists()
    ok = client.post(
        reverse("admin:projects_timesheet"),
        {"week": week.isoformat(), "row": [task.pk], cell(0): "3", cell(1): "1:30"},
    )
    assert ok.status_code == 302
    with tenant_context(team.tenant):
        assert sorted(TimeLog.objects.values_list("hours", flat=True)) == [
            Decimal("1.50"),
            Decimal("3.00"),
        ]
        assert Task.objects.get(pk=task.pk).hours_logged == Decimal("4.5")
    # Emptying a cell deletes its entry.
    client.post(
        reverse("admin:projects_timesheet"),
        {"week": week.isoformat(), "row": [task.pk], cell(0): "", cell(1): "1.5"},
    )
    with tenant_context(team.tenant):
        assert list(TimeLog.objects.values_list("hours", flat=True)) == [Decimal("1.50")]


def test_submit_week_sends_one_request_to_the_project_manager(team, client_for):
    from modules.approvals.selectors import inbox

    with tenant_context(team.tenant):
        week = last_week(team.tenant)
        task = make_task(team, "Ship it", assignees=[team.employee(team.member)])
        timelogs.timelog_create(user=team.member, task=task, day=week, hours=Decimal("6"))
    client = client_for(team.tenant, team.member)
    response = client.post(
        reverse("admin:projects_timesheet"), {"week": week.isoformat(), "action": "submit"}
    )
    assert response.status_code == 302
    with tenant_context(team.tenant):
        sheet = Timesheet.objects.get()
        assert sheet.state == Timesheet.State.SUBMITTED and sheet.hours == Decimal("6")
        assert sheet.approval.amount == Decimal("6")
        assert [s.request_id for s in inbox(team.pm)] == [sheet.approval_id]
        assert not inbox(team.owner).filter(request_id=sheet.approval_id).exists()
    page = grid(client, week).content.decode()
    assert "readonly" in page and "Submitted" in page


def test_the_grid_reads_a_constant_number_of_queries(team, client_for):
    client = client_for(team.tenant, team.member)
    with tenant_context(team.tenant):
        week = last_week(team.tenant)
        max_ = team.employee(team.member)
        task = make_task(team, "First", assignees=[max_])
        timelogs.timelog_create(user=team.member, task=task, day=week, hours=1)
    grid(client, week)
    with CaptureQueriesContext(connection) as few:
        assert grid(client, week).status_code == 200
    with tenant_context(team.tenant):
        for number in range(8):
            more = make_task(team, f"Task {number}", assignees=[max_])
            timelogs.timelog_create(
                user=team.member, task=more, day=week + timedelta(days=number % 5), hours=1
            )
    with CaptureQueriesContext(connection) as many:
        response = grid(client, week)
    assert len(re.findall(r'data-testid="row-\d+"', response.content.decode())) == 9
    assert len(many) == len(few)


def test_the_grid_styles_are_right_to_left_safe():
    from pathlib import Path

    import modules.projects

    css = (Path(modules.projects.__file__).parent / "static/projects/timesheet.css").read_text()
    physical = re.findall(
        r"(?:margin|padding|border)-(?:left|right)|text-align:\s*(?:left|right)", css
    )
    assert physical == []
