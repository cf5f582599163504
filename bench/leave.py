"""Leave at 10,000 employees and 200,000 leave requests (issue 11): queries and
median ms of the leave request list, the team calendar month, submitting one
request and one person's balance page, and the seconds of the daily accrual
run for everyone. Prints figures; asserts nothing.

    python bench/leave.py [--employees 10000] [--requests 200000] [--repeat 9] [--reuse]

``--reuse`` measures again on the company an earlier run built in the same
database (the newest ``leave-…`` one) instead of building 200,000 requests anew.

PostgreSQL (DATABASE_URL, default the scratch ``opsplatform_bench``) as the
application's role under row-level security, DEBUG off, as bench/admin_pages.py.
The requests and their subjects are written with their history rows by COPY
(``opsplatform.bulk.create_with_history``); the ledger (no history table) by
``bulk_create``. A screen or service that is not built yet prints "not built
yet" instead of a figure, so the same script measures each step as it lands.
"""

from __future__ import annotations

import argparse
import importlib
import random
import time
from datetime import date, timedelta
from decimal import Decimal

import _setup

_setup.setup()

from admin_lists import hr_client, populate  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import NoReverseMatch, reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from modules.approvals.models import ApprovalRequest, RequestStatus  # noqa: E402
from modules.approvals.services import routes_ensure_defaults  # noqa: E402
from modules.employees.models import Employee  # noqa: E402
from modules.leave.models import (  # noqa: E402
    LeavePolicy,
    LeaveRequest,
    LeaveType,
    LedgerEntry,
    PolicyAssignment,
)
from opsplatform.bulk import create_with_history  # noqa: E402
from opsplatform.tenancy import tenant_context  # noqa: E402
from opsplatform.tenancy.rls import tenant_transaction  # noqa: E402
from tenants.models import Membership, RoleGrant, User  # noqa: E402

# The notices of each submit would otherwise be printed (the console backend).
settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
Kind = LedgerEntry.Kind
# (status, share of the requests)
STATUSES = [
    (RequestStatus.COMPLETED, 85),
    (RequestStatus.IN_REVIEW, 5),
    (RequestStatus.REJECTED, 4),
    (RequestStatus.CANCELLED, 3),
    (RequestStatus.DRAFT, 3),
]
NOT_BUILT = "not built yet"


def optional(module: str, name: str):
    """A function of a part of leave that may not have landed yet (None then)."""
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        return None


def url_or_none(name: str, *args) -> str | None:
    try:
        return reverse(name, args=args, urlconf="opsplatform.urls.tenant")
    except NoReverseMatch:
        return None


# -- data -------------------------------------------------------------------------------


def build(tenant, *, employees: int, requests: int, hr: User) -> LeaveType:
    started = time.perf_counter()
    populate(tenant, employees)
    print(f"  {employees:,} employees in {time.perf_counter() - started:.1f} s")
    rng = random.Random(11)
    today = timezone.localdate()
    with tenant_context(tenant), transaction.atomic():
        routes_ensure_defaults()
        annual = LeaveType.objects.create(name="Annual leave", code="annual")
        policy = LeavePolicy.objects.create(
            name="Annual leave", leave_type=annual, yearly_entitlement=Decimal("20")
        )
        PolicyAssignment.objects.create(policy=policy)
        people = list(Employee.objects.values_list("pk", "department_id").order_by("pk"))

        started = time.perf_counter()
        weights = [share for _status, share in STATUSES]
        statuses = rng.choices([s for s, _w in STATUSES], weights, k=requests)
        now = timezone.now()
        plans = []
        for index in range(requests):
            person, department = people[index % len(people)]
            start = today + timedelta(days=rng.randint(-700, 120))
            days = rng.choice([1, 1, 2, 3, 5, 10])
            plans.append((person, department, start, days, statuses[index]))
        approvals = create_with_history(
            [
                ApprovalRequest(
                    tenant=tenant,
                    number=index + 1,
                    kind="leave",
                    title=f"Annual leave {start:%d %b} ({days} days)",
                    requester=hr,
                    employee_id=person,
                    department_id=department,
                    amount=Decimal(days),
                    currency=tenant.currency,
                    status=status,
                    created_at=now,
                    submitted_at=None if status == RequestStatus.DRAFT else now,
                )
                for index, (person, department, start, days, status) in enumerate(plans)
            ],
            ApprovalRequest,
            reason="bench",
        )
        subjects = create_with_history(
            [
                LeaveRequest(
                    tenant=tenant,
                    approval=approval,
                    employee_id=person,
                    leave_type=annual,
                    start_date=start,
                    end_date=start + timedelta(days=days - 1),
                    duration=Decimal(days),
                )
                for approval, (person, _d, start, days, _s) in zip(approvals, plans, strict=True)
            ],
            LeaveRequest,
            reason="bench",
        )
        print(
            f"  {requests:,} leave requests with history in {time.perf_counter() - started:.1f} s"
        )

        started = time.perf_counter()
        entries = []
        # Accruals up to last month: this month's are the daily run's to write.
        for person, _department in people:
            for month in range(1, today.month):
                entries.append(
                    LedgerEntry(
                        tenant=tenant,
                        employee_id=person,
                        leave_type=annual,
                        kind=Kind.ACCRUAL,
                        amount=Decimal("1.67"),
                        effective_on=date(today.year, month, 1),
                        key=f"accrual:{policy.pk}:{today.year}-{month:02d}",
                    )
                )
        for subject, (person, _d, start, days, status) in zip(subjects, plans, strict=True):
            if status == RequestStatus.COMPLETED:
                kind, key = Kind.USE, f"use:{subject.pk}"
            elif status == RequestStatus.IN_REVIEW:
                kind, key = Kind.RESERVATION, f"reserve:{subject.pk}:1"
            else:
                continue
            entries.append(
                LedgerEntry(
                    tenant=tenant,
                    employee_id=person,
                    leave_type=annual,
                    kind=kind,
                    amount=-Decimal(days),
                    effective_on=start,
                    request=subject,
                    key=key,
                )
            )
        LedgerEntry.objects.bulk_create(entries, batch_size=5000)
        print(f"  {len(entries):,} ledger entries in {time.perf_counter() - started:.1f} s")
    _setup.analyze(
        "approvals_approvalrequest", "leave_leaverequest", "leave_ledgerentry", "employees_employee"
    )
    return annual


def requester(tenant) -> tuple[User, Employee]:
    """A person with a login and a manager: the one who submits in the measurement."""
    with tenant_context(tenant):
        employee = Employee.objects.filter(manager__isnull=False).order_by("-pk").first()
        manager = employee.manager
        for person, email, role in (
            (employee, f"me@{tenant.slug}.test", "employee"),
            (manager, f"boss@{tenant.slug}.test", "manager"),
        ):
            user = User.objects.create_user(email=email, password="x-Secret-123")
            membership = Membership.objects.create(user=user)
            RoleGrant.objects.create(membership=membership, role=role)
            person.membership = membership
            person.save(update_fields=["membership"])
        # Twenty random requests a person overdraw most balances: the one who
        # submits gets enough days that the request is not refused for that.
        LedgerEntry.objects.create(
            employee=employee,
            leave_type=LeaveType.objects.get(code="annual"),
            kind=Kind.ALLOCATION,
            amount=Decimal("500"),
            effective_on=date(timezone.localdate().year, 1, 1),
            reason="bench",
        )
        return User.objects.get(email=f"me@{tenant.slug}.test"), employee


# -- measurements -------------------------------------------------------------------------


def reused(employees: int):
    """The newest company an earlier run built with this many employees (or None)."""
    from tenants.models import Tenant

    for tenant in Tenant.objects.filter(slug__startswith="leave-").order_by("-pk"):
        with tenant_context(tenant):
            if (
                Employee.objects.count() == employees
                and User.objects.filter(email=f"me@{tenant.slug}.test").exists()
            ):
                client = Client(HTTP_HOST=f"{tenant.slug}.localhost")
                client.force_login(User.objects.get(email=f"hr@{tenant.slug}.test"))
                me = User.objects.get(email=f"me@{tenant.slug}.test")
                return tenant, client, me, Employee.objects.get(membership__user=me)
    return None


def measure_page(client, url: str, repeat: int) -> tuple[int, float]:
    client.get(url)  # warm the caches
    timings, queries = [], 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - start) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
        queries = len(ctx.captured_queries)
    return queries, _setup.median(timings)


def measure_submit(
    tenant, user: User, leave_type: LeaveType, repeat: int
) -> tuple[str, int, float]:
    submit = optional("modules.leave.services.requests", "leave_request_submit")
    how = "leave_request_submit"
    if submit is None:
        from modules.approvals.services import request_create, request_submit

        how = "the engine's request_create + request_submit (leave's own submit not built yet)"

        def submit(*, user, leave_type, start_date, end_date):
            approval = request_create(
                user=user,
                kind="leave",
                title="Bench leave",
                leave_type=leave_type,
                start_date=start_date,
                end_date=end_date,
                duration=Decimal(1),
            )
            return request_submit(request_id=approval.pk, user=user)

    timings, queries, after_commit = [], 0, 0
    # Past the days earlier runs on a reused company already booked.
    with tenant_context(tenant):
        last = (
            LeaveRequest.objects.filter(
                employee__membership__user=user,
                start_date__gte=timezone.localdate() + timedelta(days=400),
            )
            .order_by("-start_date")
            .values_list("start_date", flat=True)
            .first()
        )
    first = (last or timezone.localdate() + timedelta(days=393)) + timedelta(days=7)
    for index in range(repeat + 1):
        day = first + timedelta(days=7 * index)
        while day.weekday() >= 5:
            day += timedelta(days=1)
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            with tenant_transaction(tenant):
                submit(user=user, leave_type=leave_type, start_date=day, end_date=day)
                # The submit's own; what runs after the commit is the worker's
                # (the notices' relay and delivery), run inline here by HUEY_IMMEDIATE.
                in_transaction = len(ctx.captured_queries)
            elapsed = (time.perf_counter() - start) * 1000
        if index:  # the first warms the caches
            timings.append(elapsed)
            queries = in_transaction
            after_commit = len(ctx.captured_queries) - in_transaction
    return how, queries, after_commit, _setup.median(timings)


def measure_daily_run(tenant) -> str:
    daily_run = optional("modules.leave.services.daily", "daily_run")
    if daily_run is None:
        return NOT_BUILT
    today = timezone.localdate()
    start = time.perf_counter()
    with tenant_transaction(tenant):
        report = daily_run(tenant=tenant, on=today, since=date(today.year, 1, 1))
    first = time.perf_counter() - start
    written = sum(getattr(report, "written", {}).values())
    start = time.perf_counter()
    with tenant_transaction(tenant):
        daily_run(tenant=tenant, on=today)
    again = time.perf_counter() - start
    return (
        f"{first:.1f} s, {written:,} entries written (this month's accruals, catching up "
        f"from 1 January); the same day again: {again:.1f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--employees", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument(
        "--reuse", action="store_true", help="measure on the company an earlier run built"
    )
    args = parser.parse_args()
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    found = reused(args.employees) if args.reuse else None
    if found:
        tenant, client, me, employee = found
        print(f"  reusing {tenant.slug}")
        with tenant_context(tenant):
            leave_type = LeaveType.objects.get(code="annual")
    else:
        tenant = _setup.fresh_tenant("leave")
        client = hr_client(tenant)
        hr = User.objects.get(email=f"hr@{tenant.slug}.test")
        leave_type = build(tenant, employees=args.employees, requests=args.requests, hr=hr)
        me, employee = requester(tenant)

    lists = url_or_none("admin:leave_leaverequest_changelist")
    pages = [
        ("leave request list", lists),
        (
            "leave request list (the engine's, filtered to leave)",
            url_or_none("admin:approvals_approvalrequest_changelist") + "?kind__exact=leave",
        ),
        ("team calendar month", url_or_none("admin:leave_calendar")),
        ("one employee's balance page", url_or_none("admin:leave_employee_balance", employee.pk)),
    ]
    print(f"\n{'what':<55} {'queries':>7}  {'median ms':>9}")
    for name, url in pages:
        if url is None:
            print(f"{name:<55} {NOT_BUILT}")
            continue
        try:
            queries, ms = measure_page(client, url, args.repeat)
        except RuntimeError as error:
            print(f"{name:<55} {error}")
            continue
        print(f"{name:<55} {queries:>7}  {ms:>9.1f}")
    how, queries, after_commit, ms = measure_submit(tenant, me, leave_type, args.repeat)
    print(
        f"{'submitting one request':<55} {queries:>7}  {ms:>9.1f}   via {how}"
        f" (and {after_commit} after the commit: the worker's tasks, run inline here)"
    )
    print(f"{'daily accrual run, all employees':<55} {measure_daily_run(tenant)}")


if __name__ == "__main__":
    main()
