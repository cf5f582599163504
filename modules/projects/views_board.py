"""The project's Kanban board and the endpoint a card move posts to.

A project the person may not see is a 404 (missing, another company's and
hidden alike). Its members and manager (and owners, the CEO) move cards;
finance sees the board read-only.
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views import View

from modules.employees.selectors import my_employee
from modules.projects.selectors import visibility
from modules.projects.selectors.board import BoardFilters, project_board
from modules.projects.services.board import move_task
from opsplatform.admin.pages import AdminPage
from opsplatform.refusals import Refused
from opsplatform.tenancy import get_current_tenant


def visible_project_or_404(user, project_id: int):
    return get_object_or_404(visibility.visible_projects(user), pk=project_id)


def _url_or_blank(name: str, *args) -> str:
    # Pages of other areas (the task form) may not be mounted in every build.
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


class BoardPage(AdminPage):
    permission_required = "projects.view_project"
    template_name = "projects/board.html"

    def get_title(self) -> str:
        return _("Board: %(project)s") % {"project": self.project}

    def get(self, request, project_id: int):
        self.project = visible_project_or_404(request.user, project_id)
        me = my_employee(request.user)
        filters = BoardFilters.from_query(request.GET)
        board = project_board(self.project, filters, me=me, today=get_current_tenant().today())
        # "/admin/projects/task/" + pk + "/change/", without a reverse() per card.
        task_url = _url_or_blank("admin:projects_task_change", 0).removesuffix("0/change/")
        return self.render(
            board=board,
            project=self.project,
            can_move=visibility.may_work_on(request.user, self.project),
            can_manage=visibility.may_manage(request.user, self.project),
            me=me,
            task_url=task_url,
            move_url=reverse("admin:projects_task_move", args=[0]),
            columns_url=reverse("admin:projects_columns", args=[self.project.pk]),
            project_url=_url_or_blank("admin:projects_project_change", self.project.pk),
        )


def _move_data(request) -> dict:
    if request.content_type == "application/json":
        try:
            data = json.loads(request.body or b"{}")
        except ValueError:
            return {}
        return data if isinstance(data, dict) else {}
    return request.POST


def _id(value) -> int | None:
    if isinstance(value, bool):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None


class TaskMoveView(View):
    """POST {column, before?, after?} (JSON or a form): JSON back, or a redirect
    to the board for a form without JavaScript."""

    http_method_names = ["post"]
    model_admin = None

    def post(self, request, task_id: int):
        task = get_object_or_404(
            visibility.visible_tasks(request.user).select_related("project"), pk=task_id
        )
        if not request.user.has_perm("projects.view_project", task.project):
            raise Http404
        wants_json = request.content_type == "application/json"
        data = _move_data(request)
        column_id = _id(data.get("column"))
        try:
            if column_id is None:
                raise Refused(_("Choose a column of this project's board."))
            # The service locks the column of this project by its id (or refuses).
            result = move_task(
                task=task,
                column=column_id,
                user=request.user,
                before=_id(data.get("before")),
                after=_id(data.get("after")),
            )
        except Refused as refusal:
            message = " ".join(refusal.messages)
            if wants_json:
                status = 403 if not visibility.may_work_on(request.user, task.project) else 409
                return JsonResponse({"ok": False, "message": message}, status=status)
            messages.error(request, message)
            return HttpResponseRedirect(reverse("admin:projects_board", args=[task.project_id]))
        payload = result.as_payload(actor_id=request.user.pk)
        message = _("%(task)s moved to %(column)s.") % {
            "task": result.task.reference,
            "column": result.column.name,
        }
        if result.over_limit:
            message += " " + _(
                "%(column)s is over its work-in-progress limit (%(count)s of %(limit)s)."
            ) % {
                "column": result.column.name,
                "count": result.count,
                "limit": result.column.wip_limit,
            }
        if wants_json:
            return JsonResponse({"ok": True, "message": message, **payload})
        messages.success(request, message)
        return HttpResponseRedirect(reverse("admin:projects_board", args=[task.project_id]))
