"""The employee search at scale, as the application's role under row-level security.

    python bench/employee_search.py [--size 100000] [--repeat 15] [--plans]

For each search it prints the list page's median time (the server's work and
the database's) and the database's own time for the list query, twice: with
the search column (``Employee.search`` and its index, what the admin runs) and
with Django's default search over the four columns (what it ran before), on
the same rows. ``--plans`` also shows which indexes row-level security lets
serve a search (docs/employees.md, "Search"): a trigram index for a LIKE, a
B-tree for a prefix LIKE, ``starts_with`` and a range, each planned as the
application's role and as the owner (a superuser, who bypasses the policy).

PostgreSQL only (SQLite has no row-level security, and no plan worth reading).
"""

from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("DJANGO_DEBUG", "false")

import _setup

_setup.setup()

from admin_lists import hr_client, populate  # noqa: E402
from django.contrib import admin  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client, RequestFactory  # noqa: E402

from modules.employees.models import Employee  # noqa: E402
from opsplatform.admin import tenant_site  # noqa: E402
from opsplatform.tenancy import tenant_context  # noqa: E402
from tenants.models import Tenant, User  # noqa: E402


def owner(sql: str) -> list:
    import psycopg

    url = os.environ.get("BENCH_OWNER_URL") or os.environ["DATABASE_URL"]
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("SET app.maintenance = 'on'")
        cursor = conn.execute(sql)
        return cursor.fetchall() if cursor.description else []


def searches(tenant) -> dict[str, str]:
    with tenant_context(tenant):
        last = Employee.objects.order_by("-last_name", "-pk").first()
    return {
        "common name (1 in 1,000)": "Last12",
        "one number": last.employee_number,
        "part of a number": last.employee_number[-5:],
        "first and last name": f"{last.first_name} {last.last_name}",
        "nobody": "zzz-nobody",
    }


def list_query(tenant, user, term: str, legacy: bool) -> tuple[str, list]:
    """The list page's query for ``term``: ordered, one page (InfinitePaginator's 51)."""
    model_admin = tenant_site._registry[Employee]
    request = RequestFactory().get("/")
    request.user = user
    with tenant_context(tenant):
        queryset = Employee.objects.select_related(*model_admin.list_select_related)
        if legacy:
            # Django's own search, the four LIKEs over search_fields.
            queryset, _ = admin.ModelAdmin.get_search_results(model_admin, request, queryset, term)
        else:
            queryset, _ = model_admin.get_search_results(request, queryset, term)
        return queryset.order_by(*model_admin.ordering)[:51].query.sql_with_params()


def explain(tenant, sql: str, params) -> tuple[float, list[str]]:
    with tenant_context(tenant), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, COSTS OFF) " + sql, params)
        lines = [row[0] for row in cursor.fetchall()]
    ms = next(float(line.split()[2]) for line in lines if line.startswith("Execution Time"))
    wanted = ("employees_employee", "Index Cond", "Filter:", "Rows Removed", "Heap Fetches")
    return ms, [line for line in lines if any(word in line for word in wanted)]


def page_ms(client, term: str, repeat: int) -> float:
    from urllib.parse import quote

    url = f"/admin/employees/employee/?q={quote(term)}"
    client.get(url)
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.status_code
    return _setup.median(timings)


PLANS = [
    # (an index to add as the owner, or "" for the search's own one; the condition)
    (
        "USING gin (search_name gin_trgm_ops)",
        "search_name LIKE '%%irst9999%%'",
        "trigram GIN, LIKE",
    ),
    ("", "search_name LIKE 'first9999%%'", "text_pattern_ops B-tree, prefix LIKE"),
    ("", "starts_with(search_name, 'first9999')", "text_pattern_ops B-tree, starts_with"),
    (
        "",
        "search_name ~>=~ 'first9999' AND search_name ~<~ 'first999:'",
        "text_pattern_ops B-tree, range",
    ),
]


def show_index_plans(tenant) -> None:
    """Which conditions an index can serve under row-level security: as the
    application's role, then as the owner (a superuser, who bypasses it)."""
    owner("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for index, condition, label in PLANS:
        name = "bench_search_probe"
        if index:
            owner(f"CREATE INDEX {name} ON employees_employee {index}")
            owner("ANALYZE employees_employee")
        sql = f"SELECT id FROM employees_employee WHERE tenant_id = {tenant.pk} AND {condition}"
        try:
            ms, lines = explain(tenant, sql, [])
            as_owner = [
                row[0]
                for row in owner("EXPLAIN (ANALYZE, COSTS OFF) " + sql.replace("%%", "%"))
                if "Scan" in row[0] or "Execution" in row[0]
            ]
        finally:
            owner(f"DROP INDEX IF EXISTS {name}")
        print(f"{label}: {condition.replace('%%', '%')}")
        print(f"  as {connection.settings_dict['USER']}: {ms:.1f} ms")
        print("    " + "\n    ".join(line for line in lines if "Scan" in line or "Cond" in line))
        print("  as the owner:\n    " + "\n    ".join(as_owner))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=100000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--plans", action="store_true", help="which indexes RLS lets serve")
    parser.add_argument("--reuse", action="store_true", help="the last run's company, if any")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        print("PostgreSQL only: set DATABASE_URL (bench/_setup.py).")
        return
    tenant = Tenant.objects.filter(slug__startswith="search-").order_by("-pk").first()
    if args.reuse and tenant is not None:
        user = User.objects.get(email=f"hr@{tenant.slug}.test")
        client = Client(HTTP_HOST=f"{tenant.slug}.localhost")
        client.force_login(user)
    else:
        tenant = _setup.fresh_tenant("search")
        populate(tenant, args.size)
        client = hr_client(tenant)
        user = User.objects.get(email=f"hr@{tenant.slug}.test")
    owner("VACUUM ANALYZE employees_employee")  # the table at rest, as autovacuum leaves it
    with tenant_context(tenant):
        here = Employee.objects.count()
    others = owner("SELECT count(*) FROM employees_employee")[0][0] - here
    print(
        f"database: {connection.settings_dict['NAME']} as {connection.settings_dict['USER']};"
        f" {here} employees in this company, {others} in others"
    )
    print(f"{'search':<28} {'page ms':>8} {'db ms':>7}  {'db ms, four LIKEs (before)':>26}")
    plans = []
    for label, term in searches(tenant).items():
        new_ms, new_plan = explain(tenant, *list_query(tenant, user, term, legacy=False))
        old_ms, _old_plan = explain(tenant, *list_query(tenant, user, term, legacy=True))
        new_page = page_ms(client, term, args.repeat)
        print(f"{label:<28} {new_page:>8.1f} {new_ms:>7.1f}  {old_ms:>26.1f}")
        plans.append((label, term, new_plan))
    for label, term, plan in plans:
        print(f"plan of {label} ({term!r}):\n    " + "\n    ".join(plan))
    if args.plans:
        show_index_plans(tenant)


if __name__ == "__main__":
    main()
