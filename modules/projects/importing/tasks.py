"""Tasks: each row adds a task (no number) or updates one (its number).

Rows are checked one by one against the projects the person manages
(task_rows.py), then together (task_links.py): ``parent`` and ``blocked_by``
may name a row of the same file by its ``ref``, so the references, the loops
(blocked-by and parent, refused naming every task of the loop) and the "done
with an open blocker" rule are checked once every row is read. The writes are
bulk (task_writes.py).
"""

from __future__ import annotations

from collections.abc import Iterable

from modules.projects.importing.columns import TASK_COLUMNS
from modules.projects.importing.lookups import Lookups
from modules.projects.importing.task_links import check_together
from modules.projects.importing.task_rows import ProjectTasks, check_row, failed_refs
from modules.projects.importing.task_writes import apply
from opsplatform.importing.files import SourceRow
from opsplatform.importing.report import ImportReport
from opsplatform.importing.rows import check_rows

COLUMNS = TASK_COLUMNS
__all__ = ["COLUMNS", "apply", "check"]


def check(headers: list[str], rows: Iterable[SourceRow], *, user) -> tuple[ImportReport, list]:
    lookups = Lookups.load(user)
    tasks = ProjectTasks()
    seen_numbers: dict[tuple[int, int], int] = {}
    seen_refs: dict[tuple[int, str], int] = {}
    present = frozenset(headers)
    report, planned = check_rows(
        headers,
        rows,
        lambda row: check_row(row, lookups, tasks, seen_numbers, seen_refs, present),
    )
    bad_lines = check_together(planned, tasks, report, failed_refs=failed_refs(seen_refs, planned))
    planned = [p for p in planned if p.line not in bad_lines]
    report.error_rows += len(bad_lines)
    report.to_create = sum(1 for p in planned if p.existing is None)
    report.to_update = len(planned) - report.to_create
    return report, planned
