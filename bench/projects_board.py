"""A project board of 1,000 tasks (issue 12): queries and median ms of the board
page, and of one card move through the move endpoint. Prints figures; asserts nothing.

    python bench/projects_board.py [--tasks 1000] [--repeat 9]

PostgreSQL (DATABASE_URL, default the scratch ``opsplatform_bench``) as the
application's role under row-level security, as bench/admin_pages.py.
Each card has two assignees, a label and three checklist items.
"""

from __future__ import annotations

import argparse
import json
import time
from datetime import date, timedelta

import _setup

_setup.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from modules.employees.models import Employee  # noqa: E402
from modules.projects.models import (  # noqa: E402
    ChecklistItem,
    Column,
    Label,
    Project,
    ProjectMember,
    Task,
    TaskAssignee,
    TaskLabel,
)
from opsplatform.tenancy import tenant_context  # noqa: E402
from tenants.models import Membership, RoleGrant, User  # noqa: E402

settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def build(tenant, n: int):
    user = User.objects.create_user(email=f"pm@{tenant.slug}.test", password="x-Secret-123")
    with tenant_context(tenant), transaction.atomic():
        membership = Membership.objects.create(user=user)
        RoleGrant.objects.create(membership=membership, role="manager")
        pm = Employee.objects.create(
            employee_number="PM-1",
            first_name="Pam",
            last_name="Manager",
            hire_date=date(2024, 1, 1),
            membership=membership,
        )
        people = Employee.objects.bulk_create(
            Employee(
                tenant=tenant,
                employee_number=f"E-{i}",
                first_name=f"First{i}",
                last_name=f"Last{i}",
                hire_date=date(2024, 1, 1),
            )
            for i in range(20)
        )
        project = Project.objects.create(code="BIG", name="Big board", manager=pm)
        ProjectMember.objects.bulk_create(
            ProjectMember(tenant=tenant, project=project, employee=p) for p in people
        )
        columns = [
            Column.objects.create(project=project, name=name, order=i, is_done=done, wip_limit=300)
            for i, (name, done) in enumerate(
                [("Todo", False), ("Progress", False), ("Review", False), ("Completed", True)]
            )
        ]
        labels = [Label.objects.create(name=f"Label {i}", colour="#336699") for i in range(8)]
        today = tenant.today()
        tasks = Task.objects.bulk_create(
            Task(
                tenant=tenant,
                project=project,
                number=i + 1,
                column=columns[i % 4],
                position=(i // 4 + 1) * 1024,
                title=f"Task {i}",
                due_date=today + timedelta(days=i % 30 - 10),
            )
            for i in range(n)
        )
        project.task_sequence = n
        project.save(update_fields=["task_sequence"])
        TaskAssignee.objects.bulk_create(
            TaskAssignee(tenant=tenant, task=t, employee=people[(i + k) % 20])
            for i, t in enumerate(tasks)
            for k in (0, 7)
        )
        TaskLabel.objects.bulk_create(
            TaskLabel(tenant=tenant, task=t, label=labels[i % 8]) for i, t in enumerate(tasks)
        )
        ChecklistItem.objects.bulk_create(
            ChecklistItem(tenant=tenant, task=t, text=f"Step {k}", done=k == 0, order=k)
            for t in tasks
            for k in range(3)
        )
    _setup.analyze(
        "projects_task", "projects_taskassignee", "projects_tasklabel", "projects_checklistitem"
    )
    client = Client(HTTP_HOST=f"{tenant.slug}.localhost")
    client.force_login(user)
    return client, project, columns, tasks


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tasks", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=9)
    args = parser.parse_args()
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    tenant = _setup.fresh_tenant("board")
    client, project, columns, tasks = build(tenant, args.tasks)

    url = reverse("admin:projects_board", args=[project.pk])
    client.get(url)
    timings, queries = [], 0
    for _ in range(args.repeat):
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.status_code
        queries = len(ctx.captured_queries)
    print(f"board of {args.tasks} tasks: {queries} queries, median {_setup.median(timings):.0f} ms")

    timings, counts = [], []
    for i in range(args.repeat):
        task = tasks[i * 4]  # a Todo card, moved to the top of Progress or Review
        target = columns[1 + i % 2]
        with tenant_context(tenant):
            first = (
                Task.objects.filter(column=target).order_by("position").values_list("pk", flat=True)
            ).first()
        body = json.dumps({"column": target.pk, "before": first})
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            response = client.post(
                reverse("admin:projects_task_move", args=[task.pk]),
                body,
                content_type="application/json",
            )
            timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.content
        counts.append(len(ctx.captured_queries))
    print(
        f"card move (whole request): {max(counts)} queries at most, "
        f"median {_setup.median(timings):.0f} ms"
    )


if __name__ == "__main__":
    main()
