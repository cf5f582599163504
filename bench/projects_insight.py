"""Project health and analytics at size (issue 12): the health recompute after one
time log on a project of 1,000 tasks and 10,000 logs, then the analytics of a
year on the same project grown to 500,000 logs (selector and page). Prints
queries and median ms; asserts nothing.

    python bench/projects_insight.py [--tasks 1000] [--logs 10000] [--big 500000] [--repeat 15]

PostgreSQL (DATABASE_URL, default the scratch ``opsplatform_bench``) as the
application's role under row-level security, as bench/admin_pages.py. Rows are
written with ``bulk_create`` (no history rows: the figures are of the reads).
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import date, timedelta
from decimal import Decimal

import _setup

_setup.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from modules.employees.models import Employee  # noqa: E402
from modules.projects.models import Column, Project, Task, TimeLog  # noqa: E402
from modules.projects.selectors.analytics import project_analytics  # noqa: E402
from modules.projects.services.health import recompute  # noqa: E402
from opsplatform.tenancy.rls import tenant_transaction  # noqa: E402
from tenants.models import Membership, RoleGrant, User  # noqa: E402

YEAR = (date(2026, 1, 1), date(2026, 12, 31))


def build(tenant, n_tasks: int) -> tuple[Project, list[Task], list[Employee]]:
    with tenant_transaction(tenant):
        people = Employee.objects.bulk_create(
            Employee(
                tenant=tenant,
                employee_number=f"P{i:04d}",
                first_name=f"First{i}",
                last_name=f"Last{i}",
                hire_date=date(2020, 1, 1),
                hourly_cost_rate=Decimal(40 + i),
            )
            for i in range(20)
        )
        project = Project.objects.create(
            code="BIG",
            name="Big project",
            manager=people[0],
            start_date=YEAR[0],
            due_date=YEAR[1],
            budget_hours=Decimal("50000"),
            budget_amount=Decimal("3000000"),
            billable=True,
            bill_rate=Decimal("90"),
            status=Project.Status.ACTIVE,
        )
        columns = [
            Column.objects.create(project=project, name=name, order=i, is_done=name == "Done")
            for i, name in enumerate(["Todo", "Progress", "Review", "Done"])
        ]
        tasks = Task.objects.bulk_create(
            Task(
                tenant=tenant,
                project=project,
                number=i + 1,
                column=columns[i % 4],
                title=f"Task {i}",
                due_date=YEAR[0] + timedelta(days=i % 365),
                estimate_hours=Decimal(1 + i % 8),
            )
            for i in range(n_tasks)
        )
        Project.objects.filter(pk=project.pk).update(task_sequence=n_tasks)
    return project, tasks, people


def add_logs(tenant, project, tasks, people, count: int) -> None:
    rng = random.Random(12)
    batch = []
    with tenant_transaction(tenant):
        for _ in range(count):
            person = people[rng.randrange(len(people))]
            hours = Decimal(rng.randint(1, 16)) / 2
            batch.append(
                TimeLog(
                    tenant=tenant,
                    task=tasks[rng.randrange(len(tasks))],
                    project=project,
                    employee=person,
                    date=YEAR[0] + timedelta(days=rng.randrange(365)),
                    hours=hours,
                    cost_rate=person.hourly_cost_rate,
                    cost_amount=hours * person.hourly_cost_rate,
                    bill_rate=Decimal("90"),
                    bill_amount=hours * 90,
                )
            )
            if len(batch) == 10_000:
                TimeLog.objects.bulk_create(batch)
                batch = []
        TimeLog.objects.bulk_create(batch)
    vacuum("projects_timelog", "projects_task")


def vacuum(*tables: str) -> None:
    """VACUUM ANALYZE as autovacuum would soon: planner statistics, and the visibility
    map that lets the sums be index-only scans (the owner's to run)."""
    import os

    url = os.environ.get("BENCH_OWNER_URL") or os.environ["DATABASE_URL"]
    if not url.startswith("postgres"):
        return
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        for table in tables:
            conn.execute(f"VACUUM ANALYZE {table}")


def timed(fn, repeat: int) -> tuple[int, float]:
    fn()  # warm
    timings, queries = [], 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            fn()
            timings.append((time.perf_counter() - start) * 1000)
        queries = len(ctx.captured_queries)
    return queries, _setup.median(timings)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tasks", type=int, default=1000)
    parser.add_argument("--logs", type=int, default=10_000)
    parser.add_argument("--big", type=int, default=500_000)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    tenant = _setup.fresh_tenant("pj-insight")
    project, tasks, people = build(tenant, args.tasks)
    add_logs(tenant, project, tasks, people, args.logs)

    def one_log_and_recompute():
        with tenant_transaction(tenant):
            TimeLog.objects.create(
                task=tasks[0], project=project, employee=people[1], date=YEAR[0], hours=1
            )
            recompute(project)

    def recompute_only():
        with tenant_transaction(tenant):
            recompute(project)

    for name, fn in (("log + recompute", one_log_and_recompute), ("recompute", recompute_only)):
        queries, ms = timed(fn, args.repeat)
        print(f"health {name:<16} {args.tasks} tasks, {args.logs} logs: {queries} queries, "
              f"{ms:.1f} ms median")  # fmt: skip

    def analytics():
        with tenant_transaction(tenant):
            project_analytics(
                project, start=YEAR[0], end=YEAR[1], today=date(2026, 10, 15), tenant=tenant,
                with_cost=True,
            )  # fmt: skip

    queries, ms = timed(analytics, args.repeat)
    print(f"analytics selector, a year, {args.logs} logs: {queries} queries, {ms:.1f} ms median")

    # The worst case: every one of the 500,000 logs on this one project.
    add_logs(tenant, project, tasks, people, args.big - args.logs)
    queries, ms = timed(analytics, args.repeat)
    print(f"analytics selector, a year, {args.big} logs: {queries} queries, {ms:.1f} ms median")
    queries, ms = timed(recompute_only, args.repeat)
    print(f"health recompute, {args.big} logs on the project: {queries} queries, {ms:.1f} ms")

    user = User.objects.create_user(email=f"ceo@{tenant.slug}.test", password="x-Secret-123")
    with tenant_transaction(tenant):
        membership = Membership.objects.create(user=user)
        RoleGrant.objects.create(membership=membership, role="ceo")
    client = Client(HTTP_HOST=f"{tenant.slug}.localhost")
    client.force_login(user)
    url = f"/admin/projects/project/{project.pk}/analytics/?range=custom&start=2026-01-01&end=2026-12-31"

    def page():
        response = client.get(url)
        assert response.status_code == 200, response.status_code

    queries, ms = timed(page, args.repeat)
    print(f"analytics page, a year, {args.big} logs: {queries} queries, {ms:.1f} ms median")


if __name__ == "__main__":
    main()
