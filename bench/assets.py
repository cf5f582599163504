"""Assets at 50,000 assets with up to two years of monthly depreciation (issue 14):
queries and median ms of the register list, queries of one asset's page with its
schedule and custody history, the seconds of the month's depreciation run for
all assets, and the register valued at a date (queries, seconds). Prints
figures; asserts nothing.

    python bench/assets.py [--assets 50000] [--repeat 9] [--reuse]

``--reuse`` measures on the newest ``assets-…`` company an earlier run built in
the same database (its month run then posts what that company has not posted).

PostgreSQL (DATABASE_URL, default the scratch ``opsplatform_bench``) as the
application's role under row-level security, DEBUG off, as bench/admin_pages.py,
in a company of its own. The assets are written with their history rows by COPY
(``opsplatform.bulk.create_with_history``). Their purchases are spread over the
24 months before last month; the months up to the one before last are posted by
``post_month`` itself (the catch-up, timed too), so the timed month run is last
month's, one entry per asset.
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import date, timedelta
from decimal import Decimal

import _setup

_setup.setup()

from admin_lists import populate  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from modules.assets.depreciation import add_months, month_start  # noqa: E402
from modules.assets.models import (  # noqa: E402
    Asset,
    AssetCategory,
    Assignment,
    DepreciationEntry,
)
from modules.assets.selectors.depreciation import register_valued_at, valuation  # noqa: E402
from modules.assets.services.depreciation import post_month  # noqa: E402
from modules.employees.models import Employee  # noqa: E402
from opsplatform.bulk import create_with_history  # noqa: E402
from opsplatform.tenancy import tenant_context  # noqa: E402
from opsplatform.tenancy.rls import tenant_transaction  # noqa: E402
from tenants.models import Membership, RoleGrant, User  # noqa: E402

URLCONF = "opsplatform.urls.tenant"
# (name, prefix, method, life in months, declining rate)
CATEGORIES = [
    ("Laptops", "LAP", "straight_line", 36, None),
    ("Phones", "PHN", "straight_line", 24, None),
    ("Furniture", "FUR", "straight_line", 120, None),
    ("Vehicles", "VEH", "declining_balance", 60, Decimal("30")),
    ("Machines", "MAC", "straight_line", 84, None),
]


def finance_client(tenant) -> Client:
    user = User.objects.create_user(email=f"fin@{tenant.slug}.test", password="x-Secret-123")
    with tenant_context(tenant):
        membership = Membership.objects.create(user=user)
        RoleGrant.objects.create(membership=membership, role="finance")
    client = Client(HTTP_HOST=f"{tenant.slug}.localhost")
    client.force_login(user)
    return client


def build(tenant, count: int, last_month: date) -> Asset:
    rng = random.Random(14)
    first_day = add_months(last_month, -24)
    span = (last_month - first_day).days
    populate(tenant, 50)  # holders for the custody history
    with tenant_context(tenant), transaction.atomic():
        categories = [
            AssetCategory.objects.create(
                name=name,
                tag_prefix=prefix,
                depreciation_method=method,
                useful_life_months=life,
                declining_rate=rate,
            )
            for name, prefix, method, life, rate in CATEGORIES
        ]
        started = time.perf_counter()
        assets = []
        for index in range(count):
            category = categories[index % len(categories)]
            cost = Decimal(rng.randrange(30_000, 500_000)) / 100
            assets.append(
                Asset(
                    tenant=tenant,
                    tag=f"{category.tag_prefix}-{index:06d}",
                    name=f"{category.name} {index}",
                    category=category,
                    purchase_date=first_day + timedelta(days=rng.randrange(span)),
                    purchase_cost=cost,
                    salvage_value=(cost / 10).quantize(Decimal("0.01")),
                )
            )
        assets = create_with_history(assets, Asset, reason="bench", batch_size=5000)
        print(f"  {count:,} assets with history in {time.perf_counter() - started:.1f} s")
        # One asset with a custody history of five hand-outs and returns.
        one = assets[len(assets) // 2]
        people = list(Employee.objects.order_by("pk")[:5])
        now = timezone.now()
        Assignment.objects.bulk_create(
            [
                Assignment(
                    tenant=tenant,
                    asset=one,
                    employee=person,
                    assigned_at=now - timedelta(days=300 - 60 * i),
                    returned_at=now - timedelta(days=270 - 60 * i),
                    condition_out="Good",
                    condition_in="Good",
                )
                for i, person in enumerate(people)
            ]
        )
    started = time.perf_counter()
    with tenant_transaction(tenant):
        report = post_month(add_months(last_month, -1))
    print(
        f"  {report.posted:,} depreciation entries (the catch-up to "
        f"{add_months(last_month, -1):%B %Y}, post_month) in {time.perf_counter() - started:.1f} s"
    )
    _setup.analyze("assets_asset", "assets_depreciationentry", "assets_assignment")
    return one


def reused():
    """The newest company an earlier run built (or None)."""
    from tenants.models import Tenant

    tenant = Tenant.objects.filter(slug__startswith="assets-").order_by("-pk").first()
    if tenant is None:
        return None
    client = Client(HTTP_HOST=f"{tenant.slug}.localhost")
    client.force_login(User.objects.get(email=f"fin@{tenant.slug}.test"))
    with tenant_context(tenant):
        one = Assignment.objects.order_by("pk").first().asset
    return tenant, client, one


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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--assets", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--reuse", action="store_true")
    args = parser.parse_args()
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    last_month = add_months(month_start(timezone.localdate()), -1)
    found = reused() if args.reuse else None
    if found:
        tenant, client, one = found
        print(f"  reusing {tenant.slug}")
    else:
        tenant = _setup.fresh_tenant("assets")
        client = finance_client(tenant)
        one = build(tenant, args.assets, last_month)

    print(f"\n{'what':<55} {'queries':>7}  {'median ms':>9}")
    pages = [
        ("the register list", reverse("admin:assets_asset_changelist", urlconf=URLCONF)),
        (
            "one asset's page (schedule, custody history)",
            reverse("admin:assets_asset_change", args=[one.pk], urlconf=URLCONF),
        ),
        (
            "the ledger list",
            reverse("admin:assets_depreciationentry_changelist", urlconf=URLCONF),
        ),
    ]
    for name, url in pages:
        queries, ms = measure_page(client, url, args.repeat)
        print(f"{name:<55} {queries:>7}  {ms:>9.1f}")

    start = time.perf_counter()
    with tenant_transaction(tenant):
        report = post_month(last_month)
    run = time.perf_counter() - start
    start = time.perf_counter()
    with tenant_transaction(tenant):
        again = post_month(last_month)
    rerun = time.perf_counter() - start
    print(
        f"{'month run, all assets (' + f'{last_month:%B %Y}' + ')':<55} {run:.1f} s, "
        f"{report.posted:,} entries; the same month again: {rerun:.1f} s, {again.posted} entries"
    )

    on = last_month
    with tenant_context(tenant):
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            rows = list(register_valued_at(on))
            seconds = time.perf_counter() - start
        start = time.perf_counter()
        _rows, totals = valuation(on)
        with_totals = time.perf_counter() - start
        entries = DepreciationEntry.objects.count()
    print(
        f"{'register valued at ' + on.isoformat():<55} {len(ctx.captured_queries):>7}  "
        f"{seconds * 1000:>9.1f}   ({len(rows):,} assets over {entries:,} entries; "
        f"with the rows and totals built: {with_totals:.2f} s, book value {totals['book_value']:,})"
    )


if __name__ == "__main__":
    main()
