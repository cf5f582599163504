"""The board pages, mounted on the project admin (see projects.py):
the board, its workflow (status columns) and the card-move endpoint."""

from django.urls import path


def urls(model_admin) -> list:
    from modules.projects.views_board import BoardPage, TaskMoveView
    from modules.projects.views_columns import ColumnsPage

    wrap = model_admin.admin_site.admin_view
    return [
        path(
            "<int:project_id>/board/",
            wrap(BoardPage.as_view(model_admin=model_admin)),
            name="projects_board",
        ),
        path(
            "<int:project_id>/workflow/",
            wrap(ColumnsPage.as_view(model_admin=model_admin)),
            name="projects_columns",
        ),
        path(
            "task/<int:task_id>/move/",
            wrap(TaskMoveView.as_view()),
            name="projects_task_move",
        ),
    ]
