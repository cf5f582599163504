"""The uploaded assets file between its preview and the confirmation (the kernel's
``opsplatform.importing.held``, under ``assets/imports/<tenant id>/``)."""

from __future__ import annotations

from modules.assets.importing import import_assets_file
from opsplatform.importing.held import HeldImports


def _run(kind, stream, path, *, user, dry_run, key, source):
    return import_assets_file(kind, stream, path, user=user, dry_run=dry_run)


HELD = HeldImports(area="assets", run=_run)
