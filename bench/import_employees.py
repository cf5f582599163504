"""Employee import speed: our bulk path vs. a plain django-import-export resource
vs. a raw bulk_create, on PostgreSQL, with history rows written.

    python bench/import_employees.py [--sizes 10000,100000] [--plain-rows 2000]

The plain resource is run on a sample (``--plain-rows``) because at its speed a
100,000-row file takes many minutes; its rate is what is compared.
"""

from __future__ import annotations

import argparse
import csv
import io
import time

import _setup

_setup.setup()

from decimal import Decimal  # noqa: E402

import tablib  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from import_export import fields, resources  # noqa: E402
from import_export.widgets import ForeignKeyWidget  # noqa: E402

from modules.employees.importing import import_employees  # noqa: E402
from modules.employees.models import Department, Employee, Position  # noqa: E402
from opsplatform.tenancy import tenant_context  # noqa: E402
from tenants.models import User  # noqa: E402

HEADERS = [
    "employee_number",
    "first_name",
    "last_name",
    "work_email",
    "hire_date",
    "department",
    "position",
    "manager",
    "hourly_cost_rate",
    "cost_currency",
    "salary",
    "salary_currency",
]


def make_rows(n: int, departments: list[str], positions: list[str]) -> list[list[str]]:
    rows = []
    for i in range(n):
        manager = f"E{(i - 1) // 8:07d}" if i else ""
        rows.append(
            [
                f"E{i:07d}",
                f"First{i}",
                f"Last{i % 997}",
                f"person{i}@bench.test",
                f"20{10 + i % 15}-0{1 + i % 9}-1{i % 9}",
                departments[i % len(departments)],
                positions[i % len(positions)],
                manager,
                f"{20 + i % 80}.50",
                "USD",
                str(30000 + i % 90000),
                "USD",
            ]
        )
    return rows


def as_csv(rows) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADERS)
    writer.writerows(rows)
    return out.getvalue().encode()


def prepare(prefix: str):
    tenant = _setup.fresh_tenant(prefix)
    with tenant_context(tenant):
        departments = [Department.objects.create(name=f"Dept {i}").name for i in range(20)]
        positions = [Position.objects.create(title=f"Position {i}").title for i in range(30)]
    return tenant, departments, positions


class PlainEmployeeResource(resources.ModelResource):
    department = fields.Field("department", "department", ForeignKeyWidget(Department, "name"))
    position = fields.Field("position", "position", ForeignKeyWidget(Position, "title"))
    manager = fields.Field("manager", "manager", ForeignKeyWidget(Employee, "employee_number"))

    class Meta:
        model = Employee
        fields = tuple(HEADERS)
        import_id_fields = ("employee_number",)

    def before_save_instance(self, instance, row, **kwargs):
        instance.tenant_id = self.tenant_id


def bench_ours(n: int, user) -> float:
    tenant, departments, positions = prepare("imp")
    content = as_csv(make_rows(n, departments, positions))
    with tenant_context(tenant):
        start = time.perf_counter()
        report = import_employees(content, "bench.csv", may_set_salary=True, user=user)
        elapsed = time.perf_counter() - start
        assert report.applied and report.created == n, report.errors[:3]
        history = Employee.history.filter(tenant_id=tenant.pk).count()
    print(
        f"  ours (bulk, with history)     {n:>8} rows  {elapsed:7.2f} s  {n / elapsed:9.0f} rows/s  ({history} history rows)"
    )
    return n / elapsed


def bench_plain(n: int) -> float:
    tenant, departments, positions = prepare("plain")
    rows = make_rows(n, departments, positions)
    dataset = tablib.Dataset(*rows, headers=HEADERS)
    resource = PlainEmployeeResource()
    resource.tenant_id = tenant.pk
    with tenant_context(tenant):
        start = time.perf_counter()
        result = resource.import_data(dataset, dry_run=False, use_transactions=True)
        elapsed = time.perf_counter() - start
        assert not result.has_errors() and not result.has_validation_errors()
    print(
        f"  plain import-export resource  {n:>8} rows  {elapsed:7.2f} s  {n / elapsed:9.0f} rows/s  (default settings, sample)"
    )
    return n / elapsed


def bench_raw(n: int) -> float:
    tenant, departments, positions = prepare("raw")
    with tenant_context(tenant):
        dept = {d.name: d.pk for d in Department.objects.all()}
        pos = {p.title: p.pk for p in Position.objects.all()}
        rows = make_rows(n, departments, positions)
        start = time.perf_counter()
        with transaction.atomic():
            Employee.objects.bulk_create(
                [
                    Employee(
                        tenant=tenant,
                        employee_number=r[0],
                        first_name=r[1],
                        last_name=r[2],
                        work_email=r[3],
                        hire_date=r[4],
                        department_id=dept[r[5]],
                        position_id=pos[r[6]],
                        hourly_cost_rate=Decimal(r[8]),
                        cost_currency="USD",
                        salary=Decimal(r[10]),
                        salary_currency="USD",
                    )
                    for r in rows
                ],
                batch_size=2000,
            )
        elapsed = time.perf_counter() - start
    print(
        f"  raw bulk_create (no history,  {n:>8} rows  {elapsed:7.2f} s  {n / elapsed:9.0f} rows/s  (no checks, no managers)"
    )
    return n / elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--plain-rows", type=int, default=2000)
    args = parser.parse_args()
    user = User.objects.filter(is_superuser=True).first()
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    plain_rate = bench_plain(args.plain_rows)
    for n in [int(s) for s in args.sizes.split(",")]:
        print(f"N = {n}")
        ours = bench_ours(n, user)
        bench_raw(n)
        print(f"  ours / plain resource: {ours / plain_rate:.1f}x")


if __name__ == "__main__":
    main()
