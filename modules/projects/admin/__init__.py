"""The projects module's screens, one file per area."""

from modules.projects.admin import (
    projects,  # noqa: F401  (projects, members; the project's pages hang on it)
    timelogs,  # noqa: F401  (time logs, the week grid)
)
