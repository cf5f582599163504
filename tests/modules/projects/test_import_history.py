"""The import's writes leave history: every task, link, label and time log it
creates or changes has a history row naming the importing person and the file,
and the history stays bulk (the same queries for ten rows or a hundred)."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from modules.projects.importing import import_project_file
from modules.projects.models import (
    Dependency,
    Label,
    Task,
    TaskAssignee,
    TaskLabel,
    TimeLog,
)
from modules.projects.services import health
from opsplatform.tenancy import tenant_context
from tests.modules.employees.helpers import csv_bytes
from tests.modules.projects.test_import import IMPORT_URL, log, make_task, task

pytestmark = pytest.mark.django_db

REASON = "Imported from tasks.csv"


def run(kind: str, rows: list[dict], user, filename: str = "tasks.csv"):
    report = import_project_file(kind, io.BytesIO(csv_bytes(rows)), filename, user=user)
    assert report.ok and report.applied, report.errors
    return report


def rows_of(model, history_type: str, objs=None) -> dict[int, object]:
    """The latest history row of each object (by pk) of ``history_type``."""
    found = model.history.filter(history_type=history_type).order_by("history_id")
    if objs is not None:
        found = found.filter(id__in=[o.pk for o in objs])
    return {row.id: row for row in found}


def assert_imported(model, history_type: str, objs, user, reason: str = REASON) -> dict:
    objs = list(objs)
    assert objs, f"no {model.__name__} to check"
    rows = rows_of(model, history_type, objs)
    assert set(rows) == {o.pk for o in objs}, f"{model.__name__} rows without history"
    for row in rows.values():
        assert (row.history_user_id, row.history_change_reason) == (user.pk, reason)
    return rows


def test_new_tasks_their_links_and_new_labels_have_creation_history(in_team):
    team = in_team
    make_task(team, "Blocker")
    existing_label = Label.objects.create(name="Design")
    run(
        "tasks",
        [
            task(ref="A", title="Parent", assignees="E-5; E-6", labels="design; Fresh"),
            task(ref="B", title="Child", parent="A", blocked_by="A; 1", labels="Fresh"),
            task(title="Under the old one", parent="1", assignees="E-5"),
        ],
        team.pm,
    )
    new = list(Task.objects.exclude(number=1).order_by("number"))
    created = assert_imported(Task, "+", new, team.pm)
    # The history row holds the whole task, the same as the table.
    for task_ in new:
        row = created[task_.pk]
        assert (row.title, row.number, row.column_id) == (
            task_.title,
            task_.number,
            task_.column_id,
        )
    assert created[new[2].pk].parent_id == Task.objects.get(number=1).pk
    # B's parent is the file's A: linked once A exists, by the same person for the same reason.
    linked = assert_imported(Task, "~", [new[1]], team.pm)
    assert linked[new[1].pk].parent_id == new[0].pk
    assert_imported(TaskAssignee, "+", TaskAssignee.objects.all(), team.pm)
    assert_imported(TaskLabel, "+", TaskLabel.objects.all(), team.pm)
    assert_imported(Dependency, "+", Dependency.objects.all(), team.pm)
    assert_imported(Label, "+", Label.objects.filter(name="Fresh"), team.pm)
    assert not existing_label.history.filter(history_user=team.pm).exists()


def test_updated_tasks_have_a_change_row_holding_the_whole_task(in_team):
    team = in_team
    kept = make_task(team, "Old title", description="Keep me", estimate_hours=Decimal("3"))
    other = make_task(team, "Other")
    TaskAssignee.objects.create(task=kept, employee=team.employee(team.member))
    run(
        "tasks",
        [
            {
                "project": "WEB",
                "number": "1",
                "title": "New title",
                "status": "Progress",
                "assignees": "E-6",
                "parent": "2",
            },
            {"project": "WEB", "number": "2", "title": "Other renamed", "status": ""},
        ],
        team.pm,
    )
    changed = assert_imported(Task, "~", [kept, other], team.pm)
    row = changed[kept.pk]
    # Not a task rebuilt from its pk: what the file did not name is in the row too.
    assert (row.title, row.description, row.estimate_hours) == (
        "New title",
        "Keep me",
        Decimal("3.00"),
    )
    assert row.number == 1 and row.project_id == team.project.pk
    assert row.column_id == team.columns["Progress"].pk and row.parent_id == other.pk
    assert changed[other.pk].title == "Other renamed"
    assert Task.history.filter(id=kept.pk, history_type="~").count() == 1  # one row per update
    # The replaced assignee: a "-" row by the importer; the new one: a "+" row.
    gone = TaskAssignee.history.filter(history_type="-", task_id=kept.pk)
    assert [(r.employee_id, r.history_user_id, r.history_change_reason) for r in gone] == [
        (team.employee(team.member).pk, team.pm.pk, REASON)
    ]
    assert not TaskAssignee.objects.filter(employee=team.employee(team.member)).exists()
    assert_imported(TaskAssignee, "+", TaskAssignee.objects.filter(task=kept), team.pm)


def test_time_logs_and_their_tasks_totals_have_history(in_team):
    team = in_team
    first, second = make_task(team, "One"), make_task(team, "Two")
    run(
        "timelogs",
        [log(hours="2"), log(task="2", person="E-6", hours="1.5"), log(hours="1")],
        team.pm,
        filename="time.csv",
    )
    reason = "Imported from time.csv"
    assert_imported(TimeLog, "+", TimeLog.objects.all(), team.pm, reason)
    totals = assert_imported(Task, "~", [first, second], team.pm, reason)
    assert (totals[first.pk].hours_logged, totals[second.pk].hours_logged) == (
        Decimal("3.00"),
        Decimal("1.50"),
    )
    assert totals[first.pk].title == "One"  # the whole task, not only its total


def test_the_page_records_the_name_the_file_was_uploaded_with(team, client_for):
    client = client_for(team.tenant, team.pm)
    upload = SimpleUploadedFile("sprint 12.csv", csv_bytes([task(title="From the page")]))
    page = client.post(IMPORT_URL, {"kind": "tasks", "file": upload})
    client.post(IMPORT_URL, {"action": "confirm", "token": page.context["file"].token})
    with tenant_context(team.tenant):
        assert_imported(Task, "+", Task.objects.all(), team.pm, "Imported from sprint 12.csv")


def test_history_costs_the_same_queries_for_ten_or_a_hundred_rows(in_team, monkeypatch):
    # The health's own reads are its business, once per project.
    monkeypatch.setattr(health, "recompute", lambda project: project)
    team = in_team
    make_task(team), make_task(team)
    Label.objects.create(name="L1")
    run("timelogs", [log()], team.pm)  # the person's roles and record, cached per request

    def measured(kind, rows) -> int:
        with CaptureQueriesContext(connection) as ctx:
            run(kind, rows, team.pm)
        return len(ctx.captured_queries)

    counts = {"new": [], "updated": [], "logs": []}
    for size in (10, 100):
        start = Task.objects.count()
        counts["new"].append(
            measured(
                "tasks",
                [
                    task(
                        ref=f"R{i}",
                        title=f"T{i}",
                        assignees="E-5",
                        labels=f"L1; New {size}",
                        blocked_by="1",
                        parent="R0" if i else "2",
                    )
                    for i in range(size)
                ],
            )
        )
        numbers = range(start + 1, start + size + 1)
        counts["updated"].append(
            measured(
                "tasks",
                [
                    task(
                        number=str(n),
                        title=f"Renamed {n}",
                        assignees="E-6",
                        labels="L1",
                        blocked_by="2",
                        parent="1",
                        status="Progress",
                    )
                    for n in numbers
                ],
            )
        )
        counts["logs"].append(
            measured("timelogs", [log(task=str(n), person="E-5") for n in numbers])
        )
    assert counts["new"][0] == counts["new"][1], counts
    assert counts["updated"][0] == counts["updated"][1], counts
    assert counts["logs"][0] == counts["logs"][1], counts
    assert Task.history.filter(history_type="~", history_change_reason=REASON).count() >= 220


def test_the_replaced_links_have_no_delete_receiver_the_bulk_delete_would_skip():
    """importing/history.py deletes links in one statement and writes their "-" rows
    itself; a receiver added later (a cached count, say) would be skipped silently."""
    from django.db.models.signals import post_delete, pre_delete
    from simple_history.models import HistoricalRecords

    for model in (TaskAssignee, TaskLabel, Dependency):
        assert not model._meta.related_objects, model
        for signal in (pre_delete, post_delete):
            sync, async_ = signal._live_receivers(model)
            others = [
                r
                for r in [*sync, *async_]
                if not isinstance(getattr(r, "__self__", None), HistoricalRecords)
            ]
            assert others == [], (model, others)
