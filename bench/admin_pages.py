"""What the kernel costs each admin page: the employee list, an employee's page
and the dashboard at 10,000 and 100,000 people, with queries, median server time
and the kernel's share of the queries; the search's query plan.

    python bench/admin_pages.py [--sizes 10000,100000] [--repeat 15] [--profile PAGE]

Production-like: the default settings with DEBUG off (so Django's cached template
loader and no debug cursor), the Redis cache when REDIS_URL is set (as in
production), PostgreSQL as the application's role under row-level security.

The kernel's share is every query a page makes that is not the page's own
work: the session and the user, the membership and its roles, the sidebar's
badges, the bell's unread count, the deputies lookup. A query counts as the
kernel's when its call stack passes through one of ``KERNEL_MARKERS``; the
output lists them by marker so a new one is easy to place. The "trivial page"
line is a page that shows nothing of its own (Notification settings) and so
costs only the kernel plus its own one or two reads.

"median ms" is wall time per request (the server's work and the database's);
"our CPU ms" is this process's CPU time, which other load on the machine
inflates less (it leaves out the database's work and waiting for a core).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import time
import traceback
from collections import Counter

os.environ.setdefault("DJANGO_DEBUG", "false")

import _setup

_setup.setup()

from admin_lists import hr_client, populate  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from modules.employees.models import Employee  # noqa: E402
from opsplatform.tenancy import tenant_context  # noqa: E402

# Where a kernel query comes from: a file (and function) in its call stack,
# read from the innermost frame out. The walk stops at the frame that calls
# the view (Django's ``_get_response``): below it the page's own queries,
# unless a marker came first (the sidebar's badge, the bell, a role check);
# above it the middleware's (session, user, two-factor, session timeout).
KERNEL_MARKERS = [
    ("opsplatform/counts.py", "", "cached counts (cache missed)"),
    ("opsplatform/permissions.py", "current_membership", "membership and roles"),
    ("modules/approvals/", "principals_of", "deputies"),
    ("modules/approvals/", "inbox_count", "sidebar: inbox badge"),
    ("opsplatform/notifications/templatetags/", "", "bell: unread count"),
    ("opsplatform/admin/branding.py", "", "header: company switcher"),
    ("django/contrib/sessions/", "", "session"),
    ("django/contrib/auth/__init__.py", "get_user", "user"),
    ("opsplatform/accounts/", "", "middleware: session timeout / two-factor"),
    ("django_otp/", "", "middleware: two-factor device"),
]
VIEW_BOUNDARY = ("django/core/handlers/base.py", "_get_response")


def kernel_label(frames) -> str | None:
    for frame in reversed(frames):
        for path, function, label in KERNEL_MARKERS:
            if path in frame.filename and (not function or frame.name == function):
                return label
        if VIEW_BOUNDARY[0] in frame.filename and frame.name == VIEW_BOUNDARY[1]:
            return None
    return None


def our_frame(frames) -> str:
    """The innermost frame in the project's own code: where a query was asked for."""
    for frame in reversed(frames):
        if "site-packages" not in frame.filename and "bench/" not in frame.filename:
            return f"{frame.filename.split('wt-speed/')[-1]}:{frame.lineno} {frame.name}"
    return "?"


class Attribution:
    """Records each query's kernel label (or None: the page's own)."""

    def __init__(self, show: bool = False):
        self.labels: list[str | None] = []
        self.show = show

    def __call__(self, execute, sql, params, many, context):
        frames = traceback.extract_stack()
        label = kernel_label(frames)
        self.labels.append(label)
        if self.show:
            print(f"    [{label or 'page'}] {our_frame(frames)}: {sql[:110]}")
        return execute(sql, params, many, context)


def measure(client: Client, url: str, repeat: int, show: bool = False) -> dict:
    client.get(url)  # warm caches
    timings, cpu, queries = [], [], 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as ctx:
            start, start_cpu = time.perf_counter(), time.process_time()
            response = client.get(url)
            timings.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        queries = len(ctx.captured_queries)
    attribution = Attribution(show)
    with connection.execute_wrapper(attribution):
        client.get(url)
    kernel = Counter(label for label in attribution.labels if label)
    return {
        "queries": queries,
        "ms": _setup.median(timings),
        "cpu_ms": _setup.median(cpu),
        "kernel": sum(kernel.values()),
        "kernel_by": kernel,
    }


def search_plan(client: Client, url: str, tenant) -> str:
    """EXPLAIN ANALYZE of the list query a search page sends (as the app's role, in the tenant)."""
    from django.db import transaction

    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    sql = next(
        q["sql"]
        for q in ctx.captured_queries
        if ("starts_with" in q["sql"] or " LIKE " in q["sql"]) and "LIMIT" in q["sql"]
    )
    with tenant_context(tenant), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, COSTS OFF) " + sql)
        lines = [row[0] for row in cursor.fetchall()]
    # The people table's part of the plan (the joined lookup tables are small).
    wanted = ("on employees_employee (", "employee_search_", "Bitmap", "Execution Time")
    return "\n".join(line for line in lines if any(word in line for word in wanted))


def pages_for(tenant) -> dict[str, str]:
    with tenant_context(tenant):
        someone = Employee.objects.filter(manager__isnull=False).order_by("pk")[10]
        rare = Employee.objects.order_by("-last_name", "-pk").first().employee_number
    return {
        "list": "/admin/employees/employee/",
        # A common name (1,100 people match): the name order's index finds a page
        # of them soonest. One person's number: the search columns' indexes find them.
        "search": "/admin/employees/employee/?q=Last12",
        "search one": f"/admin/employees/employee/?q={rare}",
        "employee": f"/admin/employees/employee/{someone.pk}/change/",
        "dashboard": "/admin/",
        "trivial": "/admin/notifications/notification/settings/",
    }


def profile(client: Client, url: str, repeat: int) -> None:
    client.get(url)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(repeat):
        client.get(url)
    profiler.disable()
    profiler.dump_stats(f"/tmp/admin_pages-{url.strip('/').replace('/', '_') or 'index'}.prof")
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)
    pstats.Stats(profiler).sort_stats("tottime").print_stats(25)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--profile", default="", help="a page name: profile it instead")
    parser.add_argument("--queries", action="store_true", help="list each page's queries")
    parser.add_argument("--explain", action="store_true", help="print the search's plan")
    args = parser.parse_args()
    cache = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
    print(
        f"database: {connection.vendor} {connection.settings_dict['NAME']} "
        f"as {connection.settings_dict['USER']}; DEBUG={settings.DEBUG}; cache: {cache}; "
        "settings: opsplatform.settings (DEBUG off, cached template loader)"
    )
    print(
        f"{'employees':>10}  {'page':<10} {'queries':>7} {'kernel':>6}  {'median ms':>9}"
        f"  {'our CPU ms':>10}"
    )
    for n in [int(s) for s in args.sizes.split(",")]:
        tenant = _setup.fresh_tenant("pages")
        populate(tenant, n)
        client = hr_client(tenant)
        pages = pages_for(tenant)
        if args.profile:
            profile(client, pages[args.profile], args.repeat)
            continue
        kernels = {}
        for name, url in pages.items():
            row = measure(client, url, args.repeat, args.queries)
            kernels[name] = row["kernel_by"]
            print(
                f"{n:>10}  {name:<10} {row['queries']:>7} {row['kernel']:>6}  {row['ms']:>9.1f}"
                f"  {row['cpu_ms']:>10.1f}"
            )
        for name, by in kernels.items():
            print(f"{'':>10}  kernel queries of {name}: {dict(by)}")
        if args.explain or n >= 100000:
            for name in ("search", "search one"):
                print(f"plan of {name} ({pages[name]}):")
                print(search_plan(client, pages[name], tenant))


if __name__ == "__main__":
    main()
