"""Projects at 50 projects, 20,000 tasks (one project of 1,000) and 500,000 time
logs (issue 12): queries and median ms of the board of 1,000 tasks, a card move,
the analytics page for a year, the timesheet week and the health recompute after
one time log; and the rates of the data paths: exporting the 500,000 logs and
importing 10,000 time logs and 2,000 tasks. Prints figures; asserts nothing.

    python bench/projects.py [--projects 50] [--tasks 20000] [--logs 500000] [--repeat 9] [--reuse]

``--reuse`` measures again on the company an earlier run built in the same
database (the newest ``projects-…`` one with that many projects).

PostgreSQL (DATABASE_URL, default the scratch ``opsplatform_bench``) as the
application's role under row-level security, DEBUG off, as bench/leave.py. Tasks
are written with ``bulk_create`` in batches; time logs are priced by
``services.pricing.price_logs`` in batches and written by COPY
(``opsplatform.bulk``'s, through a temporary table under row-level security).
A page that is not built yet prints "not available yet" instead of a figure.
The requests measured are in ``MEASURED`` below: adapt a URL name or the move's
form fields there.
"""

from __future__ import annotations

import argparse
import csv
import gc
import io
import random
import time
from datetime import date, timedelta
from decimal import Decimal

import _setup

_setup.setup()

from admin_lists import populate  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import NoReverseMatch, reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from modules.employees.models import Employee  # noqa: E402
from modules.projects.models import (  # noqa: E402
    Column,
    Dependency,
    Label,
    Project,
    ProjectMember,
    Task,
    TaskAssignee,
    TaskLabel,
    TimeLog,
)
from modules.projects.services import health  # noqa: E402
from modules.projects.services.pricing import price_logs  # noqa: E402
from opsplatform.bulk import _copy  # noqa: E402
from opsplatform.tenancy import tenant_context  # noqa: E402
from opsplatform.tenancy.rls import tenant_transaction  # noqa: E402
from tenants.models import Membership, RoleGrant, User  # noqa: E402

settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
NOT_AVAILABLE = "not available yet"
PEOPLE = 300
MEMBERS = 12
COLUMNS = [("Todo", False, None), ("Progress", False, 50), ("Review", False, None)]
BATCH = 10_000
LOG_COLUMNS = [
    "tenant_id",
    "task_id",
    "project_id",
    "employee_id",
    "date",
    "hours",
    "note",
    "billable",
    "cost_rate",
    "cost_amount",
    "bill_rate",
    "bill_amount",
    "created_at",
]


def url_or_none(name: str, *args) -> str | None:
    try:
        return reverse(name, args=args, urlconf="opsplatform.urls.tenant")
    except NoReverseMatch:
        return None


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


# -- what is measured (adapt here when a page lands with other names or fields) ---------


def board_url(project) -> str | None:
    return url_or_none("admin:projects_board", project.pk)


def move_request(task, column, position: int) -> tuple[str | None, dict]:
    """The card move: its URL and form (the board's: ``column``, and ``before`` /
    ``after`` naming a neighbour card; none: the top of the column)."""
    return url_or_none("admin:projects_task_move", task.pk), {"column": column.pk}


def analytics_url(project, today: date) -> str | None:
    url = url_or_none("admin:projects_analytics", project.pk)
    start = today - timedelta(days=364)
    return f"{url}?start={start.isoformat()}&end={today.isoformat()}" if url else None


def timesheet_url(today: date) -> str | None:
    url = url_or_none("admin:projects_timesheet")
    return f"{url}?week={monday(today).isoformat()}" if url else None


MEASURED = "board_url, move_request, analytics_url, timesheet_url"


# -- data -------------------------------------------------------------------------------


def _login(tenant, employee: Employee, email: str, role: str) -> User:
    user = User.objects.create_user(email=email, password="x-Secret-123")
    membership = Membership.objects.create(user=user)
    RoleGrant.objects.create(membership=membership, role=role)
    employee.membership = membership
    employee.save(update_fields=["membership"])
    return user


def build(tenant, *, projects: int, tasks: int, big: int, logs: int):
    started = time.perf_counter()
    populate(tenant, PEOPLE)
    rng = random.Random(12)
    today = timezone.localdate()
    with tenant_context(tenant), transaction.atomic():
        people = list(Employee.objects.order_by("pk"))
        for person in people:
            person.hourly_cost_rate = Decimal(rng.randint(25, 120))
        Employee.objects.bulk_update(people, ["hourly_cost_rate"], batch_size=5000)
        owner = _login(tenant, people[0], f"owner@{tenant.slug}.test", "owner")
        _login(tenant, people[1], f"pm@{tenant.slug}.test", "manager")
        _login(tenant, people[2], f"me@{tenant.slug}.test", "employee")
        print(f"  {PEOPLE} employees and 3 logins in {time.perf_counter() - started:.1f} s")

        started = time.perf_counter()
        made = Project.objects.bulk_create(
            [
                Project(
                    tenant=tenant,
                    code=f"P{index:03d}",
                    name=f"Project {index}",
                    manager=people[1] if index == 0 else people[3 + index % 20],
                    start_date=today - timedelta(days=400),
                    due_date=today + timedelta(days=200),
                    budget_amount=Decimal("2000000"),
                    billable=True,
                    bill_rate=Decimal("90"),
                    status=Project.Status.ACTIVE,
                )
                for index in range(projects)
            ]
        )
        columns = {}
        rows = []
        for project in made:
            for order, (name, done, limit) in enumerate([*COLUMNS, ("Completed", True, None)]):
                rows.append(
                    Column(
                        tenant=tenant,
                        project=project,
                        name=name,
                        order=order,
                        is_done=done,
                        wip_limit=limit,
                    )
                )
        Column.objects.bulk_create(rows)
        for column in rows:
            columns.setdefault(column.project_id, []).append(column)
        members = {}
        links = []
        for index, project in enumerate(made):
            team = [people[2]] if index == 0 else []
            team += rng.sample(people[3:], MEMBERS - len(team))
            members[project.pk] = [project.manager, *team]
            links += [ProjectMember(tenant=tenant, project=project, employee=p) for p in team]
        ProjectMember.objects.bulk_create(links)
        labels = Label.objects.bulk_create(
            [Label(tenant=tenant, name=f"Label {i}") for i in range(12)]
        )
        rest = (tasks - big) // max(projects - 1, 1)
        counts = [big] + [rest] * (projects - 1)
        counts[-1] += tasks - sum(counts)
        task_rows = []
        for project, count in zip(made, counts, strict=True):
            # Some overdue, most ahead: what a live project looks like.
            project.task_sequence = count
            for number in range(1, count + 1):
                column = columns[project.pk][number % 4]
                task_rows.append(
                    Task(
                        tenant=tenant,
                        project=project,
                        number=number,
                        column=column,
                        position=number,
                        title=f"Task {number} of {project.code}",
                        priority="normal",
                        start_date=(begin := today - timedelta(days=rng.randint(30, 300))),
                        due_date=begin + timedelta(days=rng.randint(0, 400)),
                        estimate_hours=Decimal(rng.choice([2, 4, 8, 16])),
                        completed_at=timezone.now() if column.is_done else None,
                    )
                )
        Task.objects.bulk_create(task_rows, batch_size=5000)
        Project.objects.bulk_update(made, ["task_sequence"])
        TaskAssignee.objects.bulk_create(
            [
                TaskAssignee(
                    tenant=tenant, task=task, employee=rng.choice(members[task.project_id])
                )
                for task in task_rows
            ],
            batch_size=5000,
        )
        TaskLabel.objects.bulk_create(
            [
                TaskLabel(tenant=tenant, task=task, label=labels[i % len(labels)])
                for i, task in enumerate(task_rows)
                if i % 2
            ],
            batch_size=5000,
        )
        Dependency.objects.bulk_create(
            [
                Dependency(tenant=tenant, task=task_rows[i], blocker=task_rows[i - 1])
                for i in range(1, len(task_rows), 10)
                if task_rows[i].project_id == task_rows[i - 1].project_id
            ],
            batch_size=5000,
        )
        print(
            f"  {projects} projects, {len(task_rows):,} tasks (one of {big:,}) with assignees,"
            f" labels and links in {time.perf_counter() - started:.1f} s"
        )

        started = time.perf_counter()
        by_project = {}
        for task in task_rows:
            by_project.setdefault(task.project_id, []).append(task)
        project_of = {p.pk: p for p in made}
        now = timezone.now()
        written = 0
        spent = {"objects": 0.0, "pricing": 0.0, "copy": 0.0}
        # Half a million short-lived objects: the cyclic collector would walk the
        # heap again and again for nothing (they are freed by reference counting).
        gc.disable()
        while written < logs:
            mark = time.perf_counter()
            batch = []
            for _ in range(min(BATCH, logs - written)):
                project_id = made[rng.randrange(len(made))].pk
                task = rng.choice(by_project[project_id])
                task.project = project_of[project_id]
                batch.append(
                    TimeLog(
                        tenant=tenant,
                        task=task,
                        project=task.project,
                        employee=rng.choice(members[project_id]),
                        date=today - timedelta(days=rng.randint(1, 365)),
                        hours=Decimal(rng.choice(["0.5", "1", "2", "3", "4"])),
                        note="",
                        billable=True,
                        created_at=now,
                    )
                )
            spent["objects"] += time.perf_counter() - mark
            mark = time.perf_counter()
            price_logs(batch)
            spent["pricing"] += time.perf_counter() - mark
            mark = time.perf_counter()
            _copy(
                TimeLog._meta.db_table,
                LOG_COLUMNS,
                ([getattr(log, c) for c in LOG_COLUMNS] for log in batch),
            )
            spent["copy"] += time.perf_counter() - mark
            written += len(batch)
        gc.enable()
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE projects_task t SET hours_logged = s.total FROM ("
                " SELECT task_id, SUM(hours) AS total FROM projects_timelog"
                " WHERE tenant_id = %s GROUP BY task_id) s WHERE s.task_id = t.id",
                [tenant.pk],
            )
        elapsed = time.perf_counter() - started
        print(
            f"  {logs:,} time logs priced and written by COPY in {elapsed:.1f} s"
            f" ({logs / elapsed:,.0f} a second; "
            + ", ".join(f"{k} {v:.1f} s" for k, v in spent.items())
            + ")"
        )
    _setup.analyze(
        "projects_task",
        "projects_timelog",
        "projects_taskassignee",
        "projects_tasklabel",
        "projects_dependency",
    )
    return owner


def reused(projects: int):
    from tenants.models import Tenant

    for tenant in Tenant.objects.filter(slug__startswith="projects-").order_by("-pk"):
        with tenant_context(tenant):
            if (
                Project.objects.count() == projects
                and User.objects.filter(email=f"pm@{tenant.slug}.test").exists()
            ):
                return tenant
    return None


def client_for(tenant, email: str) -> Client:
    client = Client(HTTP_HOST=f"{tenant.slug}.localhost")
    client.force_login(User.objects.get(email=email))
    return client


# -- measurements -------------------------------------------------------------------------


def measure_page(client, url: str, repeat: int) -> tuple[int, float]:
    client.get(url)  # warm the caches
    timings, queries = [], 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - start) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"answered {response.status_code}")
        queries = len(ctx.captured_queries)
    return queries, _setup.median(timings)


def measure_move(client, tenant, project, repeat: int) -> str:
    with tenant_context(tenant):
        task = Task.objects.filter(project=project, column__is_done=False).order_by("pk").first()
        targets = list(
            Column.objects.filter(project=project, is_done=False, retired_at__isnull=True)
        )
    url, _form = move_request(task, targets[0], 0)
    if url is None:
        return NOT_AVAILABLE
    timings, queries, status = [], 0, None
    for index in range(repeat + 1):
        _url, form = move_request(task, targets[index % len(targets)], index % 3)
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            response = client.post(url, form)
            elapsed = (time.perf_counter() - start) * 1000
        status = response.status_code
        if index:
            timings.append(elapsed)
            queries = len(ctx.captured_queries)
    if status not in (200, 204, 302):
        return f"answered {status} (adapt move_request's fields)"
    return f"{queries:>7}  {_setup.median(timings):>9.1f}"


def measure_recompute(tenant, project, repeat: int) -> str:
    timings = []
    with tenant_context(tenant):
        task = Task.objects.filter(project=project).select_related("project").first()
        person = project.manager
    for _ in range(repeat):
        with tenant_transaction(tenant):
            log = TimeLog(
                task=task,
                project=task.project,
                employee=person,
                date=timezone.localdate(),
                hours=Decimal("1"),
            )
            price_logs([log])
            log.save()
            fresh = Project.objects.get(pk=project.pk)
            start = time.perf_counter()
            health.recompute(fresh)
            timings.append((time.perf_counter() - start) * 1000)
    stub = " (the entry point is still the stub)" if _is_stub() else ""
    return f"{'':>7}  {_setup.median(timings):>9.1f}{stub}"


def _is_stub() -> bool:
    """The lead's stub: a docstring and ``return project``, nothing else."""
    import ast
    import inspect
    import textwrap

    body = ast.parse(textwrap.dedent(inspect.getsource(health.recompute))).body[0].body
    statements = [node for node in body if not isinstance(node, ast.Expr)]
    return len(statements) == 1 and isinstance(statements[0], ast.Return)


def measure_export(tenant, owner: User) -> str:
    from modules.projects.admin.exports import write_csv
    from modules.projects.selectors.exports import timelog_headers, timelog_rows

    with tenant_context(tenant):
        count = TimeLog.objects.count()
        start = time.perf_counter()
        data = write_csv(timelog_headers(owner), timelog_rows(owner))
        elapsed = time.perf_counter() - start
    return (
        f"{count:,} logs to CSV ({len(data) / 1e6:.0f} MB) in {elapsed:.1f} s:"
        f" {count / elapsed:,.0f} rows a second"
    )


def measure_import(tenant, kind: str, rows: int) -> str:
    from modules.projects.importing import import_project_file

    today = timezone.localdate()
    with tenant_context(tenant):
        # The owner: the project imported into is not the project manager's.
        pm = User.objects.get(email=f"owner@{tenant.slug}.test")
        # The last project, not the measured one: each run's rows stay, and the
        # board of P000 keeps its 1,000 tasks run after run (--reuse).
        project = Project.objects.order_by("-code").first()
        task_count = project.task_sequence
        people = [project.manager.employee_number] + list(
            project.memberships.values_list("employee__employee_number", flat=True)
        )
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        if kind == "timelogs":
            # Weeks far back: no timesheet is submitted there.
            writer.writerow(["project", "task", "person", "date", "hours", "billable", "note"])
            for i in range(rows):
                writer.writerow(
                    [
                        project.code,
                        1 + i % task_count,
                        people[i % len(people)],
                        (today - timedelta(days=500 + i % 200)).isoformat(),
                        "1.5",
                        "yes",
                        "bench",
                    ]
                )
        else:
            writer.writerow(["project", "title", "status", "assignees", "labels", "estimate"])
            for i in range(rows):
                writer.writerow(
                    [project.code, f"Imported {i}", "Todo", people[i % len(people)], "Label 1", "3"]
                )
        content = buffer.getvalue().encode()
        start = time.perf_counter()
        with tenant_transaction(tenant):
            report = import_project_file(kind, io.BytesIO(content), f"{kind}.csv", user=pm)
        elapsed = time.perf_counter() - start
    if not report.ok:
        return f"refused: {report.errors[:3]}"
    return (
        f"{rows:,} rows checked and written in {elapsed:.1f} s: {rows / elapsed:,.0f} rows a second"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--projects", type=int, default=50)
    parser.add_argument("--tasks", type=int, default=20_000)
    parser.add_argument("--big", type=int, default=1_000, help="tasks of the biggest project")
    parser.add_argument("--logs", type=int, default=500_000)
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--reuse", action="store_true", help="measure on an earlier run's data")
    args = parser.parse_args()
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    tenant = reused(args.projects) if args.reuse else None
    if tenant:
        print(f"  reusing {tenant.slug}")
        with tenant_context(tenant):
            owner = User.objects.get(email=f"owner@{tenant.slug}.test")
    else:
        tenant = _setup.fresh_tenant("projects")
        owner = build(
            tenant, projects=args.projects, tasks=args.tasks, big=args.big, logs=args.logs
        )
    with tenant_context(tenant):
        big = Project.objects.get(code="P000")
    today = timezone.localdate()
    pm = client_for(tenant, f"pm@{tenant.slug}.test")
    me = client_for(tenant, f"me@{tenant.slug}.test")

    print(f"\n{'what':<58} {'queries':>7}  {'median ms':>9}")
    pages = [
        (f"board of {args.big:,} tasks (project manager)", pm, board_url(big)),
        ("analytics for a year (project manager)", pm, analytics_url(big, today)),
        ("timesheet week (a member)", me, timesheet_url(today)),
    ]
    for name, client, url in pages:
        if url is None:
            print(f"{name:<58} {NOT_AVAILABLE}")
            continue
        try:
            queries, ms = measure_page(client, url, args.repeat)
        except RuntimeError as error:
            print(f"{name:<58} {error}")
            continue
        print(f"{name:<58} {queries:>7}  {ms:>9.1f}")
    print(f"{'a card move (POST)':<58} {measure_move(pm, tenant, big, args.repeat)}")
    print(
        f"{'health recompute after one time log':<58} {measure_recompute(tenant, big, args.repeat)}"
    )
    print(f"\n{'export of every time log':<58} {measure_export(tenant, owner)}")
    print(f"{'import of 10,000 time logs':<58} {measure_import(tenant, 'timelogs', 10_000)}")
    print(f"{'import of 2,000 tasks':<58} {measure_import(tenant, 'tasks', 2_000)}")
    print(f"\n(the measured requests are {MEASURED} at the top of bench/projects.py)")


if __name__ == "__main__":
    main()
