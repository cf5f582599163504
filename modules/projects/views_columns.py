"""The project's workflow page: its status columns, kept by the project manager.

One form per action (add, save a column, move it left or right, retire it),
each a POST that calls services/columns.py and comes back to this page.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from modules.projects.models import Column
from modules.projects.selectors import visibility
from modules.projects.services import columns as workflow
from modules.projects.views_board import visible_project_or_404
from opsplatform.admin.pages import AdminPage
from opsplatform.refusals import Refused, show_refusal

INPUT = {
    "class": "border border-base-200 dark:border-base-700 rounded-default px-2 py-1 bg-transparent"
}


class ColumnForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"), max_length=60, widget=forms.TextInput(attrs=INPUT)
    )
    is_done = forms.BooleanField(label=gettext_lazy("Done column"), required=False)
    wip_limit = forms.IntegerField(
        label=gettext_lazy("WIP limit"),
        required=False,
        min_value=1,
        max_value=999,
        widget=forms.NumberInput(attrs={**INPUT, "class": INPUT["class"] + " pb-narrow"}),
    )


class ColumnsPage(AdminPage):
    permission_required = "projects.view_project"
    template_name = "projects/columns.html"

    def get_title(self) -> str:
        return _("Workflow: %(project)s") % {"project": self.project}

    def _load(self, request, project_id: int):
        self.project = visible_project_or_404(request.user, project_id)
        self.can_manage = visibility.may_manage(request.user, self.project)

    def get(self, request, project_id: int):
        self._load(request, project_id)
        return self._page()

    def _page(self, add_form=None, errors=None):
        columns = list(
            Column.objects.filter(project=self.project, retired_at__isnull=True)
            .annotate(task_count=Count("tasks"))
            .order_by("order", "pk")
        )
        retired = list(
            Column.objects.filter(project=self.project, retired_at__isnull=False).order_by(
                "-retired_at"
            )
        )
        return self.render(
            project=self.project,
            columns=columns,
            retired=retired,
            can_manage=self.can_manage,
            add_form=add_form or ColumnForm(prefix="add"),
        )

    def post(self, request, project_id: int):
        self._load(request, project_id)
        if not self.can_manage:
            messages.error(request, _("Only the project's manager can change its workflow."))
            return HttpResponseRedirect(request.path)
        action = request.POST.get("action", "")
        column = None
        if action != "add":
            column = (
                Column.objects.filter(
                    pk=_int(request.POST.get("column")),
                    project=self.project,
                    retired_at__isnull=True,
                )
                .select_related("project")
                .first()
            )
            if column is None:
                messages.error(request, _("This column is not on the project's board any more."))
                return HttpResponseRedirect(request.path)
        try:
            done = self._act(request, action, column)
        except ValidationError as refusal:  # a Refused, or full_clean's (a taken name)
            show_refusal(request, refusal)
            return HttpResponseRedirect(request.path)
        if isinstance(done, ColumnForm):  # the add form, with its errors
            return self._page(add_form=done)
        messages.success(request, done)
        return HttpResponseRedirect(request.path)

    def _act(self, request, action: str, column):
        user = request.user
        if action == "add":
            form = ColumnForm(request.POST, prefix="add")
            if not form.is_valid():
                return form
            data = form.cleaned_data
            added = workflow.column_add(
                project=self.project,
                user=user,
                name=data["name"],
                is_done=data["is_done"],
                wip_limit=data["wip_limit"],
            )
            return _("Column %(column)s added.") % {"column": added.name}
        if action == "save":
            form = ColumnForm(request.POST, prefix=f"c{column.pk}")
            if not form.is_valid():
                raise Refused(
                    "; ".join(
                        f"{form[name].label}: {' '.join(e)}" for name, e in form.errors.items()
                    )
                )
            data = form.cleaned_data
            workflow.column_update(
                column=column,
                user=user,
                name=data["name"],
                is_done=data["is_done"],
                wip_limit=data["wip_limit"],
            )
            return _("Column %(column)s saved.") % {"column": data["name"]}
        if action in ("left", "right"):
            workflow.column_shift(column=column, user=user, by=-1 if action == "left" else 1)
            return _("Column %(column)s moved.") % {"column": column.name}
        if action == "retire":
            target = Column.objects.filter(
                pk=_int(request.POST.get("target")), project=self.project
            ).first()
            if target is None:
                raise Refused(_("Choose the column that receives this column's tasks."))
            moved = workflow.column_retire(column=column, user=user, target=target)
            return ngettext(
                "Column %(column)s retired; %(count)s task moved to %(target)s.",
                "Column %(column)s retired; %(count)s tasks moved to %(target)s.",
                moved,
            ) % {
                "column": column.name,
                "count": moved,
                "target": target.name,
            }
        raise Refused(_("Unknown action."))


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
