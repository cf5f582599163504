"""The employee list at 1,000, 10,000 and 100,000 people: queries per page and
median server time, unfiltered, filtered and searched.

    python bench/admin_lists.py [--sizes 1000,10000,100000] [--repeat 15]
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

from modules.employees.models import Department, Employee, Position, WorkLocation  # noqa: E402
from opsplatform.tenancy import tenant_context  # noqa: E402
from tenants.models import Membership, RoleGrant, User  # noqa: E402

PAGES = {
    "list": "/admin/employees/employee/",
    "page 3": "/admin/employees/employee/?p=3",
    "filtered": "/admin/employees/employee/?status__exact=active",
    "search": "/admin/employees/employee/?q=Last12",
}


def populate(tenant, n: int) -> None:
    with tenant_context(tenant), transaction.atomic():
        departments = [Department.objects.create(name=f"Dept {i}") for i in range(25)]
        positions = [Position.objects.create(title=f"Position {i}") for i in range(40)]
        locations = [WorkLocation.objects.create(name=f"Office {i}") for i in range(5)]
        batch, managers = [], []
        for i in range(n):
            batch.append(
                Employee(
                    tenant=tenant,
                    employee_number=f"N{i:07d}",
                    first_name=f"First{i}",
                    last_name=f"Last{i % 1000}",
                    hire_date=date(2020, 1, 1),
                    department=departments[i % 25],
                    position=positions[i % 40],
                    location=locations[i % 5],
                )
            )
            if len(batch) == 5000:
                managers += Employee.objects.bulk_create(batch)
                batch = []
        managers += Employee.objects.bulk_create(batch)
        for i, person in enumerate(managers[1:], start=1):
            person.manager_id = managers[(i - 1) // 8].pk
        Employee.objects.bulk_update(managers[1:], ["manager"], batch_size=5000)
    _setup.analyze("employees_employee")


def hr_client(tenant) -> Client:
    user = User.objects.create_user(email=f"hr@{tenant.slug}.test", password="x-Secret-123")
    with tenant_context(tenant):
        membership = Membership.objects.create(user=user)
        RoleGrant.objects.create(membership=membership, role="hr")
    client = Client(HTTP_HOST=f"{tenant.slug}.localhost")
    client.force_login(user)
    return client


def measure(client: Client, url: str, repeat: int) -> tuple[int, float]:
    client.get(url)  # warm caches
    timings, queries = [], 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        queries = len(ctx.captured_queries)
    return queries, _setup.median(timings)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    print(f"{'employees':>10}  {'page':<9} {'queries':>7}  {'median ms':>9}")
    for n in [int(s) for s in args.sizes.split(",")]:
        tenant = _setup.fresh_tenant("list")
        populate(tenant, n)
        client = hr_client(tenant)
        for name, url in PAGES.items():
            queries, ms = measure(client, url, args.repeat)
            print(f"{n:>10}  {name:<9} {queries:>7}  {ms:>9.1f}")


if __name__ == "__main__":
    main()
