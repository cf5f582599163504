"""The time log list, the log form, corrections, and the weekly grid's URLs.

The list is narrowed to what the person may see (selectors/time.py): their own
logs, the logs of projects they manage, every log for finance, owners and the
CEO. Cost and bill columns only for who may see cost (a project manager: on
their project's rows). Every write goes through services/timelogs.py.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.admin import ActionLocation
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from unfold.contrib.filters.admin import RangeDateFilter
from unfold.decorators import action, display

from modules.employees.models import Employee
from modules.employees.selectors import my_employee
from modules.projects.models import TimeLog
from modules.projects.selectors import time as time_selectors
from modules.projects.selectors.visibility import SEE_EVERY_COST, managed_projects
from modules.projects.services import timelogs
from opsplatform.admin import TenantModelAdmin, tenant_site
from opsplatform.admin.actions import renders_on_get
from opsplatform.permissions import current_roles
from opsplatform.refusals import show_refusal


class _VisibleChoiceFilter(admin.SimpleListFilter):
    """Choices read from the rows the person may see (one query), never beyond them."""

    field = ""
    label_fields: tuple[str, ...] = ()

    def lookups(self, request, model_admin):
        rows = (
            time_selectors.visible_logs(request.user)
            .order_by(*self.label_fields)
            .values_list(self.field, *self.label_fields)
            .distinct()
        )
        return [(pk, " ".join(str(part) for part in labels)) for pk, *labels in rows]

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(**{self.field: int(value)})
        return queryset


class ProjectFilter(_VisibleChoiceFilter):
    title = _("project")
    parameter_name = "project"
    field = "project_id"
    label_fields = ("project__code",)


class PersonFilter(_VisibleChoiceFilter):
    title = _("person")
    parameter_name = "person"
    field = "employee_id"
    label_fields = ("employee__first_name", "employee__last_name")


@admin.register(TimeLog, site=tenant_site)
class TimeLogAdmin(TenantModelAdmin):
    fields = ["task", "date", "hours", "note", "billable"]
    list_display = [
        "date",
        "employee_display",
        "task_display",
        "hours",
        "billable",
        "state_badge",
    ]
    list_select_related = ["task__project", "project", "employee", "timesheet"]
    list_filter = [ProjectFilter, PersonFilter, ("date", RangeDateFilter), "billable"]
    list_filter_submit = True
    search_fields = ["note", "task__title"]
    ordering = ["-date", "-pk"]
    actions = []
    actions_detail = ["correct_action"]
    readonly_fields = ["created_by", "created_at"]

    # -- who sees what -------------------------------------------------------

    def get_queryset(self, request):
        # The list, history, filters and export all start here.
        return time_selectors.visible_logs(request.user, super().get_queryset(request))

    def _cost_for(self, request) -> tuple[bool, set[int]]:
        """(sees every cost, ids of projects they manage): read once a request."""
        cached = getattr(request, "_time_cost", None)
        if cached is None:
            every = bool(current_roles(request.user) & SEE_EVERY_COST)
            managed = (
                set() if every else set(managed_projects(request.user).values_list("pk", flat=True))
            )
            cached = request._time_cost = (every, managed)
        return cached

    def get_list_display(self, request):
        every, managed = self._cost_for(request)
        if every or managed:
            return [*self.list_display, "cost_display", "bill_display"]
        return self.list_display

    def _shows_cost(self, obj) -> bool:
        every, managed = self._cost_for(self._request)
        return every or obj.project_id in managed

    def changelist_view(self, request, extra_context=None):
        self._request = request
        return super().changelist_view(request, extra_context)

    # -- columns ---------------------------------------------------------------

    @display(description=_("person"), ordering="employee__last_name")
    def employee_display(self, obj):
        return obj.employee.full_name

    @display(description=_("task"))
    def task_display(self, obj):
        prefix = _("Correction · ") if obj.corrects_id else ""
        return f"{prefix}{obj.project.code}-{obj.task.number} {obj.task.title}"

    @display(
        description=_("timesheet"),
        label={"submitted": "info", "approved": "success", "returned": "warning", "": "info"},
    )
    def state_badge(self, obj):
        if obj.timesheet_id is None:
            return "", _("Open")
        return obj.timesheet.state, obj.timesheet.get_state_display()

    @display(description=_("cost"))
    def cost_display(self, obj):
        return obj.cost_amount if self._shows_cost(obj) else "—"

    @display(description=_("bill amount"))
    def bill_display(self, obj):
        return obj.bill_amount if self._shows_cost(obj) else "—"

    # -- writes (services/timelogs.py) --------------------------------------------

    def has_add_permission(self, request):
        return request.user.has_perm("projects.log_time")

    def _may_change(self, request, obj) -> bool:
        if obj is None:
            return request.user.has_perm("projects.log_time")
        if time_selectors.is_locked(obj):
            return False
        me = my_employee(request.user)
        every, managed = self._cost_for(request)
        return (me is not None and obj.employee_id == me.pk) or obj.project_id in managed

    def has_change_permission(self, request, obj=None):
        return self._may_change(request, obj)

    def has_delete_permission(self, request, obj=None):
        return obj is not None and self._may_change(request, obj)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        user = request.user
        me = my_employee(user)

        class Form(form):
            def __init__(inner, *args, **kw):
                super().__init__(*args, **kw)
                if "task" in inner.fields:
                    inner.fields["task"].queryset = time_selectors.workable_tasks(
                        user, me.pk if me else 0
                    ).select_related("project")
                if obj is None:
                    inner.fields["employee"] = forms.ModelChoiceField(
                        queryset=Employee.objects.filter(pk__in=_people_of(managed_projects(user))),
                        required=False,
                        label=_("person"),
                        help_text=_(
                            "Empty: yourself. A project manager may log for the project's people."
                        ),
                    )

            def _post_clean(inner):
                # The service validates and writes, inside the admin's transaction:
                # its refusal lands on the form, naming the field when it is about one.
                if inner.errors:
                    return
                data = inner.cleaned_data
                try:
                    if obj is not None:
                        inner.saved = timelogs.timelog_update(
                            user=user,
                            log_id=obj.pk,
                            day=data["date"],
                            hours=data["hours"],
                            note=data.get("note", ""),
                            billable=data.get("billable", True),
                        )
                    else:
                        inner.saved = timelogs.timelog_create(
                            user=user,
                            task=data["task"],
                            day=data["date"],
                            hours=data["hours"],
                            employee=data.get("employee"),
                            note=data.get("note", ""),
                            billable=data.get("billable", True),
                        )
                except ValidationError as error:
                    field = getattr(error, "field", None)
                    inner.add_error(field if field in inner.fields else None, error)

        return Form

    def save_model(self, request, obj, form, change):
        # Written by the service while the form was checked (above).
        obj.__dict__.update({k: v for k, v in form.saved.__dict__.items() if not k.startswith("_")})

    def delete_model(self, request, obj):
        timelogs.timelog_delete(user=request.user, log_id=obj.pk)

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except ValidationError as error:
            show_refusal(request, error)
            return HttpResponseRedirect(reverse("admin:projects_timelog_changelist"))

    def get_actions(self, request, action_location=ActionLocation.CHANGE_LIST):
        # No bulk delete: each entry is deleted through the service, with its checks.
        actions = super().get_actions(request, action_location=action_location)
        actions.pop("delete_selected", None)
        return actions

    # -- corrections --------------------------------------------------------------

    def has_correct_action_permission(self, request, object_id=None):
        return request.user.has_perm("projects.log_time")

    @renders_on_get  # GET shows the correction form; only its POST writes
    @action(description=_("Add a correction"), url_path="correct", permissions=["correct_action"])
    def correct_action(self, request, object_id):
        from modules.projects.views_timesheet import CorrectionPage

        return CorrectionPage.as_view(model_admin=self)(request, object_id=object_id)

    # -- the week grid ------------------------------------------------------------

    def get_urls(self):
        from modules.projects.views_timesheet import TimesheetPage

        wrap = self.admin_site.admin_view
        return [
            path(
                "timesheet/",
                wrap(TimesheetPage.as_view(model_admin=self)),
                name="projects_timesheet",
            ),
        ] + super().get_urls()


def _people_of(projects):
    from django.db.models import Q

    from modules.projects.models import ProjectMember

    return Employee.objects.filter(
        Q(pk__in=projects.values("manager_id"))
        | Q(pk__in=ProjectMember.objects.filter(project__in=projects).values("employee_id"))
    ).values("pk")
