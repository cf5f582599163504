"""Links the projects module puts on record pages (module.py, ``record_links``)."""

from __future__ import annotations

from django.urls import reverse


def board_url(project) -> str:
    return reverse("admin:projects_board", args=[project.pk])


def may_see_board(request, project) -> bool:
    from modules.projects.selectors.visibility import may_see_project

    return may_see_project(request.user, project)
