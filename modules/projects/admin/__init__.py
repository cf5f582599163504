"""The projects module's screens, one file per area."""

from modules.projects.admin import (
    labels,  # noqa: F401  (the company's labels)
    projects,  # noqa: F401  (projects, members; the project's pages hang on it)
    tasks,  # noqa: F401  (the task list and page, My tasks)
    timelogs,  # noqa: F401  (time logs, the week grid)
)
