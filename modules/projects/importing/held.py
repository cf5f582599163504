"""Projects' uploaded file between its preview and the confirmation (the kernel's
``opsplatform.importing.held``, under ``projects/imports/<tenant id>/``)."""

from __future__ import annotations

from modules.projects.importing import import_project_file
from opsplatform.importing.held import Held, HeldImports

HELD = HeldImports(area="projects", run=import_project_file)
hold, held, check_held, confirm_held, discard = (
    HELD.hold,
    HELD.held,
    HELD.check_held,
    HELD.confirm_held,
    HELD.discard,
)

__all__ = ["Held", "check_held", "confirm_held", "discard", "held", "hold"]
