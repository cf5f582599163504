"""Exporting tasks and time logs: what the person's screens show and no more, cost
only where they may see it, formulas escaped, and a file that imports back."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from modules.projects.importing import import_project_file
from modules.projects.models import Dependency, Label, Task, TaskAssignee, TaskLabel, TimeLog
from modules.projects.services.numbering import next_numbers
from modules.projects.services.pricing import price_logs
from opsplatform.tenancy import tenant_context
from tests.modules.projects.team import make_project

pytestmark = pytest.mark.django_db

EXPORT_URL = "/admin/projects/project/data/export/"


def add_task(project, column, title, **fields) -> Task:
    with transaction.atomic():
        (number,) = next_numbers(project)
    return Task.objects.create(project=project, number=number, column=column, title=title, **fields)


def add_log(task, employee, day, hours) -> TimeLog:
    entry = TimeLog(
        task=task, project=task.project, employee=employee, date=day, hours=Decimal(hours)
    )
    price_logs([entry])
    entry.save()
    return entry


@pytest.fixture
def filled(team):
    """WEB with three linked tasks and logs; OPS, Ned's, that Max and Pam are not on."""
    with tenant_context(team.tenant):
        max_, mia = team.employee(team.member), team.employee(team.member2)
        todo, done = team.columns["Todo"], team.columns["Completed"]
        first = add_task(team.project, done, "Design", estimate_hours=Decimal("5"))
        second = add_task(team.project, todo, '=HYPERLINK("x")', parent=first, description="+1")
        third = add_task(team.project, todo, "Ship", due_date=date(2026, 11, 30))
        Dependency.objects.create(task=third, blocker=second)
        Dependency.objects.create(task=third, blocker=first)
        TaskAssignee.objects.create(task=first, employee=max_)
        TaskAssignee.objects.create(task=first, employee=mia)
        TaskLabel.objects.create(task=first, label=Label.objects.create(name="Design"))
        add_log(first, max_, date(2026, 10, 5), "2.5")
        add_log(first, mia, date(2026, 10, 6), "1")
        ned = team.employee(team.other_manager)
        ops, ops_columns = make_project(code="OPS", manager=ned, members=[mia])
        secret = add_task(ops, ops_columns["Todo"], "Secret OPS task")
        add_log(secret, mia, date(2026, 10, 7), "4")
    return team


def rows_of(response) -> list[dict]:
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Disposition"].startswith("attachment")
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def export(client, what, **params):
    return rows_of(client.get(EXPORT_URL, {"what": what, "file_format": "csv", **params}))


def test_tasks_export_in_the_import_columns_with_people_labels_and_links(filled, client_for):
    rows = export(client_for(filled.tenant, filled.pm), "tasks")
    assert [r["number"] for r in rows] == ["1", "2", "3"]  # OPS is not Pam's to see
    first, second, third = rows
    assert first["status"] == "Completed" and first["assignees"] == "E-5; E-6"
    assert first["labels"] == "Design" and first["estimate_hours"] == "5.00"
    assert second["parent"] == "1" and third["blocked_by"] == "1; 2"
    assert second["title"].startswith("'=") and second["description"] == "'+1"  # escaped
    assert third["due_date"] == "2026-11-30"


def test_a_member_exports_their_projects_tasks_and_time_without_cost(filled, client_for):
    client = client_for(filled.tenant, filled.member)
    assert {r["project"] for r in export(client, "tasks")} == {"WEB"}
    logs = export(client, "timelogs")
    assert len(logs) == 2 and "cost" not in logs[0] and "bill_amount" not in logs[0]


def test_cost_columns_for_the_manager_on_their_project_and_finance_everywhere(filled, client_for):
    logs = export(client_for(filled.tenant, filled.pm), "timelogs")
    assert {r["project"] for r in logs} == {"WEB"}
    max_log = next(r for r in logs if r["person"] == "E-5")
    assert (max_log["cost_rate"], max_log["cost"], max_log["bill_amount"]) == (
        "40.00",
        "100.00",
        "225.00",
    )
    everything = export(client_for(filled.tenant, filled.finance), "timelogs")
    assert {r["project"] for r in everything} == {"WEB", "OPS"}
    assert all(r["cost"] for r in everything)
    # Mia is on OPS (a member, not its manager): its rows, not its cost.
    mia_logs = export(client_for(filled.tenant, filled.member2), "timelogs")
    assert {r["project"] for r in mia_logs} == {"WEB", "OPS"} and "cost" not in mia_logs[0]


def test_an_outsider_exports_nothing_of_the_project_and_cannot_name_it(filled, client_for):
    client = client_for(filled.tenant, filled.outsider)
    assert export(client, "tasks") == [] and export(client, "timelogs") == []
    with tenant_context(filled.tenant):
        web = filled.project.pk
    page = client.get(EXPORT_URL, {"what": "tasks", "file_format": "csv", "project": web})
    assert page.status_code == 200 and "attachment" not in page.get("Content-Disposition", "")
    assert "Secret" not in page.content.decode()


def test_another_company_exports_nothing_of_this_one(filled, tenant_b, make_member, client_for):
    stranger = make_member(tenant_b, "owner@globex.test", roles=["owner"])
    client = client_for(tenant_b, stranger)
    assert export(client, "tasks") == [] and export(client, "timelogs") == []


def test_the_time_range_and_the_project_narrow_the_file(filled, client_for):
    client = client_for(filled.tenant, filled.finance)
    with tenant_context(filled.tenant):
        web = filled.project.pk
    assert len(export(client, "timelogs", start="2026-10-06", end="2026-10-06")) == 1
    assert {r["project"] for r in export(client, "timelogs", project=web)} == {"WEB"}


def test_an_excel_export_keeps_numbers_and_dates(filled, client_for):
    response = client_for(filled.tenant, filled.pm).get(
        EXPORT_URL, {"what": "timelogs", "file_format": "xlsx"}
    )
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    header = [c.value for c in sheet[1]]
    row = dict(zip(header, [c.value for c in sheet[2]], strict=True))
    assert row["hours"] == 2.5 and row["date"].date() == date(2026, 10, 5)


def test_the_export_costs_the_same_queries_whatever_the_rows(filled, client_for):
    client = client_for(filled.tenant, filled.pm)
    client.get(EXPORT_URL)  # the session and the person's roles, cached
    counts = []
    for extra in (0, 30):
        with tenant_context(filled.tenant):
            for index in range(extra):
                task = add_task(filled.project, filled.columns["Todo"], f"More {index}")
                TaskAssignee.objects.create(task=task, employee=filled.employee(filled.member))
        for what in ("tasks", "timelogs"):
            with CaptureQueriesContext(connection) as ctx:
                client.get(EXPORT_URL, {"what": what, "file_format": "csv"})
            counts.append(len(ctx.captured_queries))
    assert counts[:2] == counts[2:]


def test_round_trip_tasks_export_imports_back_unchanged(filled, client_for):
    client = client_for(filled.tenant, filled.pm)
    response = client.get(EXPORT_URL, {"what": "tasks", "file_format": "xlsx"})
    with tenant_context(filled.tenant):
        before = list(
            Task.objects.filter(project=filled.project)
            .order_by("number")
            .values_list(
                "number", "title", "description", "column_id", "parent_id", "estimate_hours"
            )
        )
        links = set(Dependency.objects.values_list("task_id", "blocker_id"))
        report = import_project_file(
            "tasks", io.BytesIO(response.content), "tasks.xlsx", user=filled.pm
        )
        assert report.ok, report.errors
        assert (report.created, report.updated) == (0, 3)
        after = list(
            Task.objects.filter(project=filled.project)
            .order_by("number")
            .values_list(
                "number", "title", "description", "column_id", "parent_id", "estimate_hours"
            )
        )
        assert after == before
        assert set(Dependency.objects.values_list("task_id", "blocker_id")) == links
        assert TaskAssignee.objects.filter(task__number=1, task__project=filled.project).count()


def test_round_trip_time_logs_export_imports_back_as_the_same_logs(filled, client_for):
    client = client_for(filled.tenant, filled.pm)
    rows = client.get(EXPORT_URL, {"what": "timelogs", "file_format": "csv"}).content
    with tenant_context(filled.tenant):
        fields = ("task__number", "employee__employee_number", "date", "hours", "cost_amount")
        before = sorted(TimeLog.objects.filter(project=filled.project).values_list(*fields))
        TimeLog.objects.filter(project=filled.project).delete()
        report = import_project_file("timelogs", io.BytesIO(rows), "logs.csv", user=filled.pm)
        assert report.ok and report.created == 2, report.errors
        after = sorted(TimeLog.objects.filter(project=filled.project).values_list(*fields))
        assert after == before
        assert Task.objects.get(project=filled.project, number=1).hours_logged == Decimal("3.50")
