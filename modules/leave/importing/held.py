"""Leave's uploaded file between its preview and the confirmation (the kernel's
``opsplatform.importing.held``, under ``leave/imports/<tenant id>/``)."""

from __future__ import annotations

from modules.leave.importing import import_leave_file
from opsplatform.importing.held import HeldImports


def _run(kind, stream, path, *, user, dry_run, key, source):
    # Leave's reports do not name the uploaded file.
    return import_leave_file(kind, stream, path, user=user, dry_run=dry_run, key=key)


HELD = HeldImports(area="leave", run=_run)
