"""What the tenant's row-level-security scope costs per statement and per transaction.

    python bench/tenant_scope.py [--statements 3000] [--pgbouncer]

Times a one-row ORM read by primary key, as the application's role, in four
shapes: in autocommit and as a one-statement transaction, each with one
company throughout and with two companies alternating. A bare ``SELECT 1`` on
the driver gives the price of one round trip to compare with. ``--pgbouncer``
also runs the reads through a PgBouncer of its own in transaction mode
(tests/opsplatform/pgbouncer.py; needs the pgbouncer package).
"""

from __future__ import annotations

import argparse
import statistics
import time

import _setup

_setup.setup()

from django.db import connection, transaction  # noqa: E402

from modules.employees.models import Department  # noqa: E402
from opsplatform.tenancy import tenant_context  # noqa: E402


def _per_call_us(work, n: int, rounds: int = 5) -> float:
    """Median over ``rounds`` of the mean time of one call, in microseconds."""
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        for i in range(n):
            work(i)
        samples.append((time.perf_counter() - start) / n * 1e6)
    return statistics.median(samples)


def measure(tenants, rows, n: int) -> list[tuple[str, float]]:
    def read(i, alternate):
        tenant = tenants[i % 2] if alternate else tenants[0]
        with tenant_context(tenant):
            Department.objects.get(pk=rows[tenant.pk][i % len(rows[tenant.pk])])

    def in_transaction(i, alternate):
        with transaction.atomic():
            read(i, alternate)

    def round_trip(i):
        with connection.connection.cursor() as cursor:
            cursor.execute("SELECT 1")

    connection.ensure_connection()
    return [
        ("round trip (driver SELECT 1)", _per_call_us(round_trip, n)),
        ("autocommit read, one company", _per_call_us(lambda i: read(i, False), n)),
        ("autocommit read, two alternating", _per_call_us(lambda i: read(i, True), n)),
        ("1-read transaction, one company", _per_call_us(lambda i: in_transaction(i, False), n)),
        (
            "1-read transaction, two alternating",
            _per_call_us(lambda i: in_transaction(i, True), n),
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--statements", type=int, default=3000)
    parser.add_argument("--pgbouncer", action="store_true")
    args = parser.parse_args()
    tenants = [_setup.fresh_tenant("scope-a"), _setup.fresh_tenant("scope-b")]
    rows = {}
    for tenant in tenants:
        with tenant_context(tenant):
            rows[tenant.pk] = [Department.objects.create(name=f"D{i}").pk for i in range(50)]
    routes = [("PostgreSQL", None)]
    if args.pgbouncer:
        routes.append(("PgBouncer (transaction mode)", "pgbouncer"))
    for label, route in routes:
        if route is None:
            figures = measure(tenants, rows, args.statements)
        else:
            figures = _through_pgbouncer(lambda: measure(tenants, rows, args.statements))
        print(f"\n{label}, {args.statements} calls x 5 rounds, median of mean µs per call")
        for name, us in figures:
            print(f"  {name:<38} {us:8.0f}")


def _through_pgbouncer(work):
    import sys

    sys.path.insert(0, str(_setup.ROOT))
    from opsplatform.settings import database
    from tests.opsplatform import pgbouncer

    direct = connection.settings_dict
    saved = dict(direct)
    with pgbouncer.running(sorted({direct["USER"], "postgres"})) as port:
        connection.close()
        pooled = database(f"postgres://{direct['USER']}@127.0.0.1:{port}/x", pooler="pgbouncer")
        direct.update(HOST="127.0.0.1", PORT=port, OPTIONS=pooled["OPTIONS"])
        direct["DISABLE_SERVER_SIDE_CURSORS"] = True
        try:
            return work()
        finally:
            connection.close()
            direct.clear()
            direct.update(saved)


if __name__ == "__main__":
    main()
