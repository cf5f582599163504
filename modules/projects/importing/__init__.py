"""Importing tasks and time logs from CSV/XLSX (docs/projects/data.md).

The promises of every import of the platform: every row is checked before
anything is written, every bad row is reported with its line and column, one
bad row writes nothing, and the writes are bulk (no query per row). Reading
the file, a cell to a value and the report are the kernel's
(opsplatform/importing/); here are the columns, the checks and writes of each
file (``tasks``, ``timelogs``) and the file held between preview and
confirmation (``held``). Only the projects the importing person manages are
reachable: any other code reads as unknown.
"""

from __future__ import annotations

from typing import BinaryIO

from django.utils.translation import gettext as _

from modules.projects.importing import tasks, timelogs
from modules.projects.importing.columns import ALIASES
from opsplatform.importing.report import ImportReport
from opsplatform.importing.table import open_table

# What each kind of file checks and writes.
KINDS = {"tasks": tasks, "timelogs": timelogs}


def import_project_file(
    kind: str,
    file: BinaryIO,
    filename: str,
    *,
    user,
    dry_run: bool = False,
    key: str = "",
    source: str = "",
) -> ImportReport:
    """Check every row of ``file`` and, unless ``dry_run`` or a row is bad, write them
    all in one transaction.

    ``source`` is the name the person gave the file (``filename`` may be where it
    is kept); every history row written says "Imported from <source>".
    """
    steps = KINDS[kind]
    headers, rows = open_table(file, filename, steps.COLUMNS, aliases=ALIASES)
    report, checked = steps.check(headers, rows, user=user)
    if dry_run or not report.ok:
        return report
    steps.apply(checked, report, user=user, key=key, reason=import_reason(source or filename))
    return report


def import_reason(filename: str) -> str:
    """The history reason of an import's writes, in the importing person's language."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    return _("Imported from %(file)s") % {"file": name[:200]}
