"""Projects' uploaded file between its preview and the confirmation (the kernel's
``opsplatform.importing.held``, under ``projects/imports/<tenant id>/``)."""

from __future__ import annotations

from modules.projects.importing import import_project_file
from opsplatform.importing.held import HeldImports

HELD = HeldImports(area="projects", run=import_project_file)
