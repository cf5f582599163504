"""Memory and time of an employee import file at the row cap (200,000 rows), as CSV
(CR-only line endings, the case that used to be read whole) and as XLSX.

    python bench/import_memory.py [--rows 200000] [--apply]

Each measurement runs in a fresh process, so the peak resident memory it prints
(``ru_maxrss``) is that run's own: the file is counted (what the upload page
does to choose inline or background), then checked from the stored file as the
background check does, and with ``--apply`` written too. The figures are
printed, never asserted.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HEADERS = [
    "employee_number",
    "first_name",
    "last_name",
    "work_email",
    "hire_date",
    "department",
    "manager",
    "hourly_cost_rate",
    "cost_currency",
    "salary",
    "salary_currency",
]
CACHE = Path(tempfile.gettempdir()) / "opsplatform-bench-import"


def row(i: int) -> list:
    return [
        f"E{i:07d}",
        f"First{i}",
        f"Last{i % 997}",
        f"person{i}@bench.test",
        f"20{10 + i % 15}-0{1 + i % 9}-1{i % 9}",
        f"Dept {i % 20}",
        f"E{(i - 1) // 8:07d}" if i else "",
        f"{20 + i % 80}.50",
        "USD",
        str(30000 + i % 90000),
        "USD",
    ]


def make_files(rows: int) -> dict[str, Path]:
    CACHE.mkdir(exist_ok=True)
    files = {"csv": CACHE / f"people-{rows}-cr.csv", "xlsx": CACHE / f"people-{rows}.xlsx"}
    if not files["csv"].exists():
        import csv

        with files["csv"].open("w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out, lineterminator="\r")  # CR-only, as old Mac Excel
            writer.writerow(HEADERS)
            writer.writerows(row(i) for i in range(rows))
    if not files["xlsx"].exists():
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet()
        sheet.append(HEADERS)
        for i in range(rows):
            sheet.append(row(i))
        workbook.save(files["xlsx"])
    return files


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def measure(path: Path, apply: bool) -> None:
    """One run, in this (fresh) process."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import _setup

    _setup.setup()
    from modules.employees import jobs
    from modules.employees.importing import import_employees
    from modules.employees.models import Department
    from opsplatform.importing.files import count_rows
    from opsplatform.tenancy import tenant_context

    tenant = _setup.fresh_tenant("mem")
    with tenant_context(tenant):
        for i in range(20):
            Department.objects.create(name=f"Dept {i}")
    before = peak_mb()
    with path.open("rb") as file:
        start = time.perf_counter()
        inline_count = count_rows(file, path.name, stop_after=jobs.INLINE_ROW_LIMIT + 1)
        count_seconds = time.perf_counter() - start
        start = time.perf_counter()
        with tenant_context(tenant):
            report = import_employees(file, path.name, may_set_salary=True, dry_run=not apply)
        seconds = time.perf_counter() - start
    assert report.ok, report.errors[:3]
    step = "check + import" if apply else "check"
    print(
        f"  {path.suffix[1:]:<5} {path.stat().st_size / 2**20:6.1f} MB file  "
        f"{report.total:>7} rows  inline count {inline_count} in {count_seconds * 1000:.0f} ms  "
        f"{step} {seconds:6.1f} s  ({report.total / seconds:6.0f} rows/s)  "
        f"peak {peak_mb():6.0f} MB (process before the file: {before:.0f} MB)"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--apply", action="store_true", help="write the rows too")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        measure(Path(args.one), args.apply)
        return
    files = make_files(args.rows)
    print(f"employee import at {args.rows} rows (cap: IMPORT_MAX_ROWS, 200,000)")
    for path in files.values():
        command = [sys.executable, __file__, "--one", str(path)] + (["--apply"] * args.apply)
        subprocess.run(command, check=True, env=os.environ)


if __name__ == "__main__":
    main()
