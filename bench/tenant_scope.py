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
import tempfile
import time

import _setup

_setup.setup()

from django.db import connection, transaction  # noqa: E402
from psycopg import pq  # noqa: E402

from modules.employees.models import Department  # noqa: E402
from opsplatform.tenancy import tenant_context  # noqa: E402


def _per_call_us(work, n: int, rounds: int = 5) -> float:
    """Median over ``rounds`` of the mean wall time of one call, in microseconds."""
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        for i in range(n):
            work(i)
        samples.append((time.perf_counter() - start) / n * 1e6)
    return statistics.median(samples)


def _per_call_traffic(work, n: int = 100) -> tuple[float, float]:
    """(round trips, bytes sent) per call, from libpq's own protocol trace:
    exact, unlike a timing on a shared machine."""
    pgconn = connection.connection.pgconn
    with tempfile.TemporaryFile(mode="w+") as trace:
        pgconn.trace(trace.fileno())
        pgconn.set_trace_flags(pq.Trace.SUPPRESS_TIMESTAMPS | pq.Trace.REGRESS_MODE)
        try:
            for i in range(n):
                work(i)
        finally:
            pgconn.untrace()
        trace.seek(0)
        lines = [line.split("\t") for line in trace.read().splitlines()]
    trips = sum(1 for line in lines if line[0] == "B" and line[2] == "ReadyForQuery")
    sent = sum(int(line[1]) + 1 for line in lines if line[0] == "F")
    return trips / n, sent / n


def measure(tenants, rows, n: int) -> list[tuple[str, float, float, float]]:
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
    shapes = [
        ("round trip (driver SELECT 1)", round_trip),
        ("autocommit read, one company", lambda i: read(i, False)),
        ("autocommit read, two alternating", lambda i: read(i, True)),
        ("1-read transaction, one company", lambda i: in_transaction(i, False)),
        ("1-read transaction, two alternating", lambda i: in_transaction(i, True)),
    ]
    figures = []
    for name, work in shapes:
        trips, sent = _per_call_traffic(work)
        figures.append((name, _per_call_us(work, n), trips, sent))
    return figures


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
        print(f"\n{label}: per call, µs (median of 5 rounds of {args.statements}),")
        print("  round trips to the server and bytes sent (libpq trace)")
        for name, us, trips, sent in figures:
            print(f"  {name:<38} {us:8.0f} µs {trips:6.2f} trips {sent:7.0f} B")


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
