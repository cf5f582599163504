"""The organisation chart of a company of 100,000 people: the first render's time,
HTML size and queries, and what opening the biggest nodes costs.

    python bench/org_chart.py [--people 100000] [--big-team 5000] [--repeat 9] [--reuse]

The company: a CEO, everyone else reporting eight to a manager (about six
levels), except one vice-president with ``--big-team`` direct reports; 1% have
left. 8 top departments with 4 sub-departments each; half the company sits in
one of them (Operations), the rest spread over the others.
"""

from __future__ import annotations

import argparse
import time
from datetime import date

import _setup

_setup.setup()

from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from modules.employees.models import Department, Employee, Position  # noqa: E402
from opsplatform.tenancy import tenant_context  # noqa: E402
from tenants.models import Membership, RoleGrant, User  # noqa: E402

CHART = "/admin/employees/employee/org-chart/"
NODES = CHART + "nodes/"


def populate(tenant, n: int, big_team: int) -> dict:
    with tenant_context(tenant), transaction.atomic():
        tops = [Department.objects.create(name=f"Division {i}") for i in range(8)]
        subs = [
            Department.objects.create(name=f"Team {i}.{j}", parent=top)
            for i, top in enumerate(tops)
            for j in range(4)
        ]
        everywhere = tops + subs
        operations = subs[0]
        positions = [Position.objects.create(title=f"Position {i}") for i in range(40)]
        people = []
        for start in range(0, n, 5000):
            people += Employee.objects.bulk_create(
                Employee(
                    tenant=tenant,
                    employee_number=f"N{i:07d}",
                    first_name=f"First{i}",
                    last_name=f"Last{i % 1000}",
                    hire_date=date(2020, 1, 1),
                    department=operations if i % 2 else everywhere[i % len(everywhere)],
                    position=positions[i % 40],
                    status=Employee.Status.TERMINATED if i % 100 == 99 else Employee.Status.ACTIVE,
                )
                for i in range(start, min(n, start + 5000))
            )
        vp = people[1]
        team_start = n - big_team
        for i, person in enumerate(people[1:], start=1):
            person.manager_id = vp.pk if i >= team_start else people[(i - 1) // 8].pk
        Employee.objects.bulk_update(people[1:], ["manager"], batch_size=5000)
        # Someone at the bottom of the deepest line, to reveal.
        deepest = people[team_start - 2]
    _setup.analyze("employees_employee", "employees_department")
    return {"ceo": people[0], "vp": vp, "operations": operations, "deepest": deepest}


def reuse(n: int, big_team: int):
    """The newest company this script wrote, and its nodes (measure again, write nothing)."""
    from tenants.models import Tenant

    tenant = Tenant.objects.filter(slug__startswith="chart-").order_by("-pk").first()
    with tenant_context(tenant):
        people = list(Employee.objects.order_by("pk").values_list("pk", flat=True))
        assert len(people) == n, f"the newest company has {len(people)} people, not {n}"
        nodes = {
            "ceo": Employee.objects.get(pk=people[0]),
            "vp": Employee.objects.get(pk=people[1]),
            "operations": Department.objects.get(name="Team 0.0"),
            "deepest": Employee.objects.get(pk=people[n - big_team - 2]),
        }
    return tenant, nodes


def hr_client(tenant) -> Client:
    user, _new = User.objects.get_or_create(email=f"hr@{tenant.slug}.test")
    with tenant_context(tenant):
        if not Membership.objects.filter(user=user).exists():
            membership = Membership.objects.create(user=user)
            RoleGrant.objects.create(membership=membership, role="hr")
    client = Client(HTTP_HOST=f"{tenant.slug}.localhost")
    client.force_login(user)
    return client


def measure(client: Client, url: str, repeat: int) -> tuple[int, int, float]:
    client.get(url)  # warm caches
    timings, queries, size = [], 0, 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        queries, size = len(ctx.captured_queries), len(response.content)
    return queries, size, _setup.median(timings)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--big-team", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument(
        "--reuse", action="store_true", help="measure the company of the last run again"
    )
    args = parser.parse_args()
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    if args.reuse:
        tenant, nodes = reuse(args.people, args.big_team)
    else:
        tenant = _setup.fresh_tenant("chart")
        start = time.perf_counter()
        nodes = populate(tenant, args.people, args.big_team)
        print(f"{args.people:,} people written in {time.perf_counter() - start:.1f} s")
    client = hr_client(tenant)
    vp, ops, deepest = nodes["vp"].pk, nodes["operations"].pk, nodes["deepest"].pk
    last_page = args.big_team // 50
    pages = {
        "first render, by reporting line": CHART,
        "first render, by department": CHART + "?by=department",
        f"open the CEO ({8} reports)": f"{NODES}?list=reports&of={nodes['ceo'].pk}",
        f"open the VP ({args.big_team:,} reports), page 1": f"{NODES}?list=reports&of={vp}",
        f"same, page {last_page} (show more)": f"{NODES}?list=reports&of={vp}&page={last_page}",
        f"open {nodes['operations'].name} (~{args.people // 2:,} people)": (
            f"{NODES}?list=members&of={ops}"
        ),
        "search a name": CHART + "?q=First4242",
        "reveal a reporting line": f"{CHART}?focus={deepest}",
    }
    print(f"{'page':<44} {'queries':>7} {'KB':>7} {'median ms':>9}")
    for name, url in pages.items():
        queries, size, ms = measure(client, url, args.repeat)
        print(f"{name:<44} {queries:>7} {size / 1024:>7.1f} {ms:>9.1f}")


if __name__ == "__main__":
    main()
