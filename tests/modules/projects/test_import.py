"""Importing tasks and time logs: a preview before anything is written, every bad
row with its line and column, all rows or none, and only into projects the
importing person manages."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from openpyxl import Workbook, load_workbook

from modules.approvals.models import ApprovalRequest
from modules.projects.importing import import_project_file
from modules.projects.models import (
    Dependency,
    Label,
    Project,
    Task,
    TaskAssignee,
    TimeLog,
    Timesheet,
)
from opsplatform.importing.files import ImportFileError
from opsplatform.tenancy import tenant_context
from tests.modules.employees.helpers import csv_bytes
from tests.modules.projects.team import link, make_project

pytestmark = pytest.mark.django_db

IMPORT_URL = "/admin/projects/project/data/import/"


def run(kind: str, rows: list[dict], user, **kwargs):
    return import_project_file(kind, io.BytesIO(csv_bytes(rows)), "file.csv", user=user, **kwargs)


def problems(report) -> set[tuple[int, str]]:
    return {(e.line, e.column) for e in report.errors}


def messages(report) -> str:
    return " | ".join(e.message for e in report.errors)


def task(**cells) -> dict:
    base = {
        "project": "WEB",
        "number": "",
        "ref": "",
        "title": "Write the copy",
        "description": "",
        "status": "",
        "assignees": "",
        "priority": "",
        "start_date": "",
        "due_date": "",
        "estimate_hours": "",
        "labels": "",
        "parent": "",
        "blocked_by": "",
    }
    return {**base, **cells}


def log(**cells) -> dict:
    base = {
        "project": "WEB",
        "task": "1",
        "person": "E-5",
        "date": "2026-10-06",
        "hours": "2.5",
        "billable": "",
        "note": "",
    }
    return {**base, **cells}


def make_task(team, title="Existing", column="Todo", **fields) -> Task:
    from django.db import transaction

    from modules.projects.services.numbering import next_numbers

    with transaction.atomic():
        (number,) = next_numbers(team.project)
    return Task.objects.create(
        project=team.project, number=number, column=team.columns[column], title=title, **fields
    )


# -- tasks -----------------------------------------------------------------------------


def test_a_good_tasks_file_adds_numbered_tasks_with_everything_linked(in_team):
    team = in_team
    max_ = team.employee(team.member)
    max_.work_email = "max@work.test"
    max_.save()
    Label.objects.create(name="Design")
    report = run(
        "tasks",
        [
            task(
                ref="A",
                title="Design the home page",
                assignees="max@work.test; E-6",
                labels="design, New label",
                priority="High",
                start_date="2026-10-01",
                due_date="15/10/2026",
                estimate_hours="6,5",
                status="progress",
            ),
            task(ref="B", title="Build it", blocked_by="A", parent="A"),
            task(title="Ship it", blocked_by="A; B", status="Todo"),
        ],
        team.pm,
    )
    assert report.ok, report.errors
    assert report.applied and report.created == 3
    first, second, third = Task.objects.order_by("number")
    assert [t.number for t in (first, second, third)] == [1, 2, 3]
    assert Project.objects.get(pk=team.project.pk).task_sequence == 3
    assert first.column.name == "Progress" and first.priority == "high"
    assert (first.start_date, first.due_date) == (date(2026, 10, 1), date(2026, 10, 15))
    assert first.estimate_hours == Decimal("6.50")
    assert {e.employee_number for e in first.assignees.all()} == {"E-5", "E-6"}
    assert sorted(label.name for label in first.labels.all()) == ["Design", "New label"]
    assert Label.objects.count() == 2  # "design" is the existing Design
    assert second.parent == first and second.column.name == "Todo"
    assert {d.blocker.number for d in Dependency.objects.filter(task=third)} == {1, 2}
    assert first.created_by == team.pm


def test_a_number_updates_that_task_and_keeps_what_the_file_does_not_have(in_team):
    team = in_team
    existing = make_task(team, description="Keep me", estimate_hours=Decimal("3"))
    done = make_task(team, title="Old")
    rows = [
        {"project": "WEB", "number": "WEB-1", "title": "Renamed", "status": "Completed"},
        {"project": "WEB", "number": "2", "title": "Old", "status": "Review"},
    ]
    report = import_project_file("tasks", io.BytesIO(csv_bytes(rows)), "f.csv", user=team.pm)
    assert report.ok and report.updated == 2 and report.created == 0
    existing.refresh_from_db()
    assert existing.title == "Renamed" and existing.column.name == "Completed"
    assert existing.completed_at is not None
    assert existing.description == "Keep me" and existing.estimate_hours == Decimal("3.00")
    done.refresh_from_db()
    assert done.column.name == "Review"


def test_every_kind_of_bad_task_row_is_reported_with_its_line_and_column(in_team):
    team = in_team
    make_task(team)
    report = run(
        "tasks",
        [
            task(project="NOPE"),  # 2
            task(number="99"),  # 3
            task(number="1", title="twice"),  # 4
            task(number="1", title="again"),  # 5
            task(status="Backlog"),  # 6
            task(assignees="E-7"),  # 7: Hal, not a member
            task(assignees="nobody@x.test"),  # 8
            task(priority="whenever"),  # 9
            task(due_date="soon"),  # 10
            task(start_date="2026-10-10", due_date="2026-10-01"),  # 11
            task(estimate_hours="a lot"),  # 12
            task(title=""),  # 13
            task(blocked_by="ghost"),  # 14
            task(ref="SELF", blocked_by="SELF"),  # 15
            task(ref="X", blocked_by="Y"),  # 16
            task(ref="Y", blocked_by="X"),  # 17
            task(ref="P", parent="Q"),  # 18
            task(ref="Q", parent="P"),  # 19
            task(ref="OPEN"),  # 20
            task(status="Completed", blocked_by="OPEN"),  # 21
            task(ref="X", title="ref twice"),  # 22
        ],
        team.pm,
    )
    assert not report.ok and not report.applied
    assert problems(report) == {
        (2, "project"),
        (3, "number"),
        (5, "number"),
        (6, "status"),
        (7, "assignees"),
        (8, "assignees"),
        (9, "priority"),
        (10, "due_date"),
        (11, "due_date"),
        (12, "estimate_hours"),
        (13, "title"),
        (14, "blocked_by"),
        (15, "blocked_by"),
        (16, "blocked_by"),
        (17, "blocked_by"),
        (18, "parent"),
        (19, "parent"),
        (21, "status"),
        (22, "ref"),
    }
    text = messages(report)
    assert "X → Y → X" in text or "Y → X → Y" in text  # the loop is named
    assert "P → Q → P" in text or "Q → P → Q" in text
    assert "WEB has no column “Backlog” (its columns: Todo, Progress, Review, Completed)" in text
    assert report.error_rows == 19
    assert Task.objects.count() == 1


def test_a_loop_through_existing_tasks_is_named_with_their_numbers(in_team):
    team = in_team
    first, second = make_task(team, "One"), make_task(team, "Two")
    Dependency.objects.create(task=second, blocker=first)
    report = run("tasks", [task(number="1", title="One", blocked_by="2")], team.pm)
    assert problems(report) == {(2, "blocked_by")}
    assert "WEB-1 → WEB-2 → WEB-1" in messages(report)


def test_one_bad_row_writes_nothing(in_team):
    team = in_team
    rows = [task(title=f"Task {i}", labels="Brand new") for i in range(20)]
    rows.append(task(assignees="E-7"))
    report = run("tasks", rows, team.pm)
    assert not report.ok and report.error_rows == 1 and problems(report) == {(22, "assignees")}
    assert Task.objects.count() == 0 and Label.objects.count() == 0
    assert Project.objects.get(pk=team.project.pk).task_sequence == 0


def test_another_companys_project_code_reads_as_unknown(team, tenant_b, make_member):
    other_pm = make_member(tenant_b, "boss@globex.test")
    with tenant_context(tenant_b):
        make_project(code="GLB", manager=link(other_pm, "G-1"))
    with tenant_context(team.tenant):
        report = run("tasks", [task(project="GLB")], team.pm)
    assert problems(report) == {(2, "project")}
    assert "No project “GLB” that you manage." in messages(report)
    with tenant_context(tenant_b):
        assert Task.objects.count() == 0


def test_a_manager_cannot_import_into_a_project_someone_else_manages(in_team):
    team = in_team
    # Ned may import (he may start projects), but WEB is Pam's: it reads as unknown.
    report = run("tasks", [task()], team.other_manager)
    assert problems(report) == {(2, "project")}
    assert Task.objects.count() == 0
    report = run("timelogs", [log()], team.other_manager)
    assert (2, "project") in problems(report)


def test_members_and_outsiders_cannot_reach_the_import(team, client_for):
    upload = SimpleUploadedFile("t.csv", csv_bytes([task()]), content_type="text/csv")
    for user in (team.member, team.outsider, team.finance):
        client = client_for(team.tenant, user)
        assert client.get(IMPORT_URL).status_code == 403
        assert client.post(IMPORT_URL, {"kind": "tasks", "file": upload}).status_code == 403
        assert client.get(IMPORT_URL + "template/tasks/csv/").status_code == 403
    with tenant_context(team.tenant):
        assert Task.objects.count() == 0


def test_the_page_previews_then_imports_once(team, client_for):
    client = client_for(team.tenant, team.pm)
    upload = SimpleUploadedFile("tasks.csv", csv_bytes([task(), task(title="Two")]))
    page = client.post(IMPORT_URL, {"kind": "tasks", "file": upload})
    assert page.status_code == 200
    report = page.context["report"]
    assert report.ok and report.to_create == 2
    with tenant_context(team.tenant):
        assert Task.objects.count() == 0  # a preview writes nothing
    token = page.context["file"].token
    done = client.post(IMPORT_URL, {"action": "confirm", "token": token}, follow=True)
    assert "Imported 2 rows" in done.content.decode()
    again = client.post(IMPORT_URL, {"action": "confirm", "token": token}, follow=True)
    assert "already been imported" in again.content.decode()
    with tenant_context(team.tenant):
        assert Task.objects.count() == 2


def test_a_bad_file_shows_its_rows_to_fix_and_no_confirm_button(team, client_for):
    client = client_for(team.tenant, team.pm)
    upload = SimpleUploadedFile("tasks.csv", csv_bytes([task(priority="soonish")]))
    page = client.post(IMPORT_URL, {"kind": "tasks", "file": upload})
    html = page.content.decode()
    assert 'data-testid="import-errors"' in html and "soonish" in html
    assert 'data-testid="import-confirm"' not in html


def test_the_templates_have_the_columns(team, client_for):
    client = client_for(team.tenant, team.pm)
    csv_file = client.get(IMPORT_URL + "template/timelogs/csv/")
    assert (
        csv_file.content.decode("utf-8-sig")
        .splitlines()[0]
        .startswith("project,task,person,date,hours,billable,note")
    )
    xlsx = client.get(IMPORT_URL + "template/tasks/xlsx/")
    sheet = load_workbook(io.BytesIO(xlsx.content)).worksheets[0]
    assert [c.value for c in sheet[1]][:4] == ["project", "number", "ref", "title"]
    assert client.get(IMPORT_URL + "template/nope/csv/").status_code == 404


def test_an_unknown_header_or_a_file_over_the_row_cap_is_refused_whole(in_team):
    team = in_team
    # import_project_file raises it; the page shows it as the file's one problem.
    with pytest.raises(ImportFileError, match="Unknown columns: colour"):
        run("tasks", [{**task(), "colour": "red"}], team.pm)
    with override_settings(IMPORT_MAX_ROWS=3), pytest.raises(ImportFileError, match="at most 3"):
        run("tasks", [task(title=f"T{i}") for i in range(5)], team.pm)
    assert Task.objects.count() == 0


def test_an_excel_file_imports_too(in_team):
    team = in_team
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Project", "Title", "Due", "Estimate"])
    sheet.append(["WEB", "From Excel", date(2026, 11, 2), 4])
    out = io.BytesIO()
    workbook.save(out)
    out.seek(0)
    report = import_project_file("tasks", out, "tasks.xlsx", user=team.pm)
    assert report.ok and report.created == 1
    created = Task.objects.get()
    assert created.due_date == date(2026, 11, 2) and created.estimate_hours == Decimal("4.00")


# -- time logs -------------------------------------------------------------------------


def locked_week(team, employee, week_start, state):
    approval = ApprovalRequest.objects.create(
        number=ApprovalRequest.objects.count() + 1,
        kind="leave",
        title="Timesheet",
        requester=team.member,
    )
    return Timesheet.objects.create(
        approval=approval,
        employee=employee,
        project=team.project,
        week_start=week_start,
        state=state,
    )


def test_a_good_time_log_file_is_priced_and_counted_on_its_tasks(in_team):
    team = in_team
    first, second = make_task(team, "One"), make_task(team, "Two")
    report = run(
        "timelogs",
        [
            log(hours="2,5"),
            log(task="WEB-1", person="E-6", hours="1", billable="no", note="Call"),
            log(task="2", person="E-4", hours="3"),
        ],
        team.pm,
    )
    assert report.ok and report.created == 3, report.errors
    logs = {
        (entry.employee.employee_number, entry.task.number): entry
        for entry in TimeLog.objects.all()
    }
    max_log = logs[("E-5", 1)]
    assert (max_log.hours, max_log.cost_rate, max_log.cost_amount) == (
        Decimal("2.50"),
        Decimal("40.00"),
        Decimal("100.00"),
    )
    assert (max_log.bill_rate, max_log.bill_amount) == (Decimal("90.00"), Decimal("225.00"))
    assert logs[("E-6", 1)].bill_amount == Decimal("0") and logs[("E-6", 1)].note == "Call"
    assert max_log.project == team.project and max_log.created_by == team.pm
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.hours_logged, second.hours_logged) == (Decimal("3.50"), Decimal("3.00"))


def test_every_kind_of_bad_time_log_row_is_reported(in_team):
    team = in_team
    make_task(team)
    max_ = team.employee(team.member)
    locked_week(team, max_, date(2026, 10, 5), Timesheet.State.SUBMITTED)
    locked_week(team, team.employee(team.member2), date(2026, 10, 5), Timesheet.State.APPROVED)
    report = run(
        "timelogs",
        [
            log(project="NOPE"),  # 2
            log(task="77"),  # 3
            log(person="E-7"),  # 4: Hal is not on WEB
            log(person="ghost"),  # 5
            log(date="yesterday"),  # 6
            log(hours="0"),  # 7
            log(hours="25"),  # 8
            log(hours="-1"),  # 9
            log(billable="maybe"),  # 10
            log(note="x" * 300),  # 11
            log(date="2026-10-07"),  # 12: Max's week is submitted
            log(person="E-6", date="2026-10-09"),  # 13: Mia's week is approved
            log(date=""),  # 14
        ],
        team.pm,
    )
    assert problems(report) == {
        (2, "project"),
        (3, "task"),
        (4, "person"),
        (5, "person"),
        (6, "date"),
        (7, "hours"),
        (8, "hours"),
        (9, "hours"),
        (10, "billable"),
        (11, "note"),
        (12, "date"),
        (13, "date"),
        (14, "date"),
    }
    assert "locked" in messages(report)
    assert TimeLog.objects.count() == 0


def test_time_in_an_open_week_joins_its_timesheet(in_team):
    team = in_team
    make_task(team)
    sheet = locked_week(team, team.employee(team.member), date(2026, 10, 5), Timesheet.State.OPEN)
    report = run("timelogs", [log(date="2026-10-08"), log(date="2026-10-13")], team.pm)
    assert report.ok
    assert {(entry.date, entry.timesheet_id) for entry in TimeLog.objects.all()} == {
        (date(2026, 10, 8), sheet.pk),
        (date(2026, 10, 13), None),
    }


def test_an_import_costs_the_same_queries_for_ten_or_a_hundred_rows(in_team, monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from modules.projects.services import health

    # The health's own reads (and a notice when it worsens) are its business, once per project.
    monkeypatch.setattr(health, "recompute", lambda project: project)
    team = in_team
    make_task(team), make_task(team)
    run("timelogs", [log()], team.pm)  # the person's roles and record, cached per request
    counts = []
    for size in (10, 100):
        rows = [log(task=str(1 + i % 2), person=("E-5", "E-6")[i % 2]) for i in range(size)]
        with CaptureQueriesContext(connection) as ctx:
            assert run("timelogs", rows, team.pm).ok
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]
    Label.objects.create(name="L1"), Label.objects.create(name="L2")
    counts = []
    for size in (10, 100):
        rows = [
            task(title=f"T{i}", assignees="E-5", labels="L1; L2", blocked_by="1")
            for i in range(size)
        ]
        with CaptureQueriesContext(connection) as ctx:
            assert run("tasks", rows, team.pm).ok
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]
    assert TaskAssignee.objects.count() == 110
