"""The task list and page, and "My tasks".

Every path (list, filters, search, export, history, object page, attachment
downloads, which ask this admin) starts from ``visibility.visible_tasks``: a
task of a project someone does not see is a 404 by id and absent from every
list. Choices on the form (column, parent, assignees, blockers) are the task's
project's. Writes go through the services, so rules, notices and health run.
"""

from __future__ import annotations

import re

from django.contrib import admin
from django.db.models import Q, Sum
from django.http import HttpResponseRedirect
from django.urls import path
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from import_export.fields import Field
from rules.contrib.admin import ObjectPermissionsModelAdminMixin
from unfold.contrib.filters.admin import (
    ChoicesDropdownFilter,
    DropdownFilter,
    RangeDateFilter,
)
from unfold.decorators import display
from unfold.paginator import InfinitePaginator

from modules.employees.models import Employee
from modules.projects import views_tasks
from modules.projects.forms import DependencyInlineForm, TaskForm
from modules.projects.models import (
    Attachment,
    ChecklistItem,
    Column,
    Comment,
    Dependency,
    Label,
    Priority,
    Project,
    Task,
)
from modules.projects.selectors import visibility
from modules.projects.selectors.tasks import task_list_queryset
from modules.projects.services import comments as comment_services
from modules.projects.services import dependencies as dependency_services
from modules.projects.services import tasks as task_services
from opsplatform.admin import TenantModelAdmin, TenantTabularInline, tenant_site
from opsplatform.admin.resources import TenantModelResource
from opsplatform.refusals import Refused, show_refusal

PRIORITY_COLOURS = {
    Priority.LOW: "info",
    Priority.NORMAL: "primary",
    Priority.HIGH: "warning",
    Priority.URGENT: "danger",
}
REFERENCE = re.compile(r"^\s*([A-Za-z][A-Za-z0-9]{1,9})-(\d{1,9})\s*$")


# -- filters: each lists only what the person's own list can hold ---------------------------


class ProjectFilter(DropdownFilter):
    title = _("project")
    parameter_name = "project"

    def lookups(self, request, model_admin):
        return [
            (str(pk), f"{code} · {name}")
            for pk, code, name in visibility.visible_projects(request.user)
            .order_by("code")
            .values_list("pk", "code", "name")
        ]

    def queryset(self, request, queryset):
        value = self.value()
        return queryset.filter(project_id=int(value)) if value and value.isdigit() else queryset


class ColumnFilter(DropdownFilter):
    title = _("status")
    parameter_name = "column"

    def lookups(self, request, model_admin):
        columns = Column.objects.filter(
            project__in=visibility.visible_projects(request.user).values("pk"),
            retired_at__isnull=True,
        )
        project = request.GET.get("project")
        if project and project.isdigit():
            columns = columns.filter(project_id=int(project))
        return [
            (str(pk), f"{code} · {name}")
            for pk, code, name in columns.order_by("project__code", "order", "pk").values_list(
                "pk", "project__code", "name"
            )
        ]

    def queryset(self, request, queryset):
        value = self.value()
        return queryset.filter(column_id=int(value)) if value and value.isdigit() else queryset


class AssigneeFilter(DropdownFilter):
    title = _("assignee")
    parameter_name = "assignee"

    def lookups(self, request, model_admin):
        tasks = visibility.visible_tasks(request.user)
        people = Employee.objects.filter(pk__in=tasks.values("assignments__employee_id")).order_by(
            "last_name", "first_name"
        )
        return [("me", _("Me")), *((str(e.pk), e.full_name) for e in people)]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "me":
            from modules.employees.selectors import my_employee

            employee = my_employee(request.user)
            return queryset.filter(assignments__employee=employee) if employee else queryset.none()
        if value and value.isdigit():
            return queryset.filter(assignments__employee_id=int(value))
        return queryset


class LabelFilter(DropdownFilter):
    title = _("label")
    parameter_name = "label"

    def lookups(self, request, model_admin):
        # Labels are the company's, read by every member (projects.view_label).
        return [(str(pk), name) for pk, name in Label.objects.values_list("pk", "name")]

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(label_links__label_id=int(value))
        return queryset


class OpenFilter(DropdownFilter):
    title = _("open or done")
    parameter_name = "done"

    def lookups(self, request, model_admin):
        return [("no", _("Open")), ("yes", _("Done"))]

    def queryset(self, request, queryset):
        if self.value() == "no":
            return queryset.filter(column__is_done=False)
        if self.value() == "yes":
            return queryset.filter(column__is_done=True)
        return queryset


# -- export -------------------------------------------------------------------------------


class TaskResource(TenantModelResource):
    """The list's export: what the rows show (no cost)."""

    reference = Field(column_name=_("reference"))
    project_name = Field(attribute="project__name", column_name=_("project"))
    title = Field(attribute="title", column_name=_("title"))
    status = Field(attribute="column__name", column_name=_("status"))
    priority = Field(column_name=_("priority"))
    assignee_names = Field(column_name=_("assignees"))
    label_names = Field(column_name=_("labels"))
    start = Field(attribute="start_date", column_name=_("start date"))
    due = Field(attribute="due_date", column_name=_("due date"))
    estimate = Field(attribute="estimate_hours", column_name=_("estimate (hours)"))
    logged = Field(attribute="hours_logged", column_name=_("hours logged"))

    class Meta:
        model = Task
        fields = (
            "reference",
            "project_name",
            "title",
            "status",
            "priority",
            "assignee_names",
            "label_names",
            "start",
            "due",
            "estimate",
            "logged",
        )
        export_order = fields

    def dehydrate_reference(self, obj):
        return obj.reference

    def dehydrate_priority(self, obj):
        return obj.get_priority_display()

    def dehydrate_assignee_names(self, obj):
        return ", ".join(row.employee.full_name for row in obj.assignments.all())

    def dehydrate_label_names(self, obj):
        return ", ".join(label.name for label in obj.labels.all())


# -- inlines --------------------------------------------------------------------------------


class TaskPartInline(TenantTabularInline):
    """A part of the task: the task's own rights decide (rules take the task)."""

    def _perm(self, request, action: str, obj) -> bool:
        opts = self.opts
        return request.user.has_perm(f"{opts.app_label}.{action}_{opts.model_name}", obj)

    def has_view_permission(self, request, obj=None):
        return self._perm(request, "view", obj)

    def has_add_permission(self, request, obj=None):
        return obj is not None and self._perm(request, "add", obj)

    def has_change_permission(self, request, obj=None):
        return obj is not None and self._perm(request, "change", obj)

    def has_delete_permission(self, request, obj=None):
        return obj is not None and self._perm(request, "delete", obj)


class ChecklistInline(TaskPartInline):
    model = ChecklistItem
    fields = ["text", "done", "order"]
    ordering = ["order", "pk"]
    verbose_name_plural = _("checklist")


class CommentInline(TaskPartInline):
    """Comments are added, never edited or deleted (the thread is a record)."""

    model = Comment
    fields = ["body", "author_display", "created_at"]
    readonly_fields = ["author_display", "created_at"]
    ordering = ["created_at", "pk"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author")

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @display(description=_("author"))
    def author_display(self, obj):
        if obj is None or obj.author_id is None:
            return "—"
        return obj.author.full_name or obj.author.email


class AttachmentInline(TaskPartInline):
    model = Attachment
    fields = ["file", "uploaded_by_display", "uploaded_at"]
    readonly_fields = ["uploaded_by_display", "uploaded_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("uploaded_by")

    def has_change_permission(self, request, obj=None):
        # A file is replaced by removing it and attaching the new one: history keeps both.
        return False

    @display(description=_("uploaded by"))
    def uploaded_by_display(self, obj):
        if obj is None or obj.uploaded_by_id is None:
            return "—"
        return obj.uploaded_by.full_name or obj.uploaded_by.email


class DependencyInline(TaskPartInline):
    model = Dependency
    fk_name = "task"
    form = DependencyInlineForm
    fields = ["blocker"]
    verbose_name = _("blocked by")
    verbose_name_plural = _("blocked by")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("blocker__project", "blocker__column")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "blocker":
            task = getattr(request, "_task_in_hand", None)
            field.queryset = (
                Task.objects.filter(project_id=task.project_id)
                .exclude(pk=task.pk)
                .select_related("project")
                .order_by("number")
                if task is not None
                else Task.objects.none()
            )
        return field


# -- the task admin -------------------------------------------------------------------------


@admin.register(Task, site=tenant_site)
class TaskAdmin(ObjectPermissionsModelAdminMixin, TenantModelAdmin):
    form = TaskForm
    list_display = [
        "reference_display",
        "title",
        "project_display",
        "column_display",
        "assignees_display",
        "priority_badge",
        "due_display",
        "labels_display",
    ]
    list_display_links = ["reference_display", "title"]
    list_filter = [
        ProjectFilter,
        ColumnFilter,
        AssigneeFilter,
        LabelFilter,
        ("priority", ChoicesDropdownFilter),
        OpenFilter,
        ("due_date", RangeDateFilter),
    ]
    list_filter_submit = True
    search_fields = ["title", "project__code"]
    search_help_text = _("Title, or a reference such as WEB-12")
    ordering = ["project__code", "number"]
    paginator = InfinitePaginator
    show_full_result_count = False
    resource_classes = [TaskResource]
    inlines = [ChecklistInline, DependencyInline, CommentInline, AttachmentInline]
    readonly_fields = ["reference_display", "hours_logged", "cost_logged", "completed_at"]
    fieldsets = [
        (None, {"fields": ["project", "title", "description"]}),
        (
            _("Work"),
            {"fields": [("column", "priority"), "assignee_list", "label_list", "parent"]},
        ),
        (_("Dates and estimate"), {"fields": [("start_date", "due_date"), "estimate_hours"]}),
        (_("Progress"), {"fields": ["hours_logged", "cost_logged", "completed_at"]}),
    ]

    def get_queryset(self, request):
        # The list, search, filters, export, history, object pages and files start here.
        return task_list_queryset(
            visibility.visible_tasks(request.user, super().get_queryset(request))
        )

    def get_export_queryset(self, request):
        return task_list_queryset(super().get_export_queryset(request))

    def get_search_results(self, request, queryset, search_term):
        match = REFERENCE.match(search_term or "")
        if match:
            code, number = match.groups()
            return queryset.filter(project__code=code.upper(), number=int(number)), False
        return super().get_search_results(request, queryset, search_term)

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path(
                "mine/",
                wrap(views_tasks.MyTasksView.as_view(model_admin=self)),
                name="projects_my_tasks",
            ),
        ] + super().get_urls()

    # -- the form: the task's project decides the choices --------------------------------

    def _project_for(self, request, obj) -> Project | None:
        if obj is not None:
            return obj.project
        wanted = request.POST.get("project") or request.GET.get("project")
        if wanted and str(wanted).isdigit():
            return self._workable_projects(request).filter(pk=int(wanted)).first()
        return None

    def _workable_projects(self, request):
        """The projects this person may add tasks to: their own (finance sees every
        project but works on none), not finished ones."""
        projects = visibility.visible_projects(request.user).filter(
            status__in=[Project.Status.PLANNED, Project.Status.ACTIVE, Project.Status.ON_HOLD]
        )
        if visibility.manages_every_project(request.user):
            return projects
        from modules.employees.selectors import my_employee
        from modules.projects.models import ProjectMember

        employee = my_employee(request.user)
        if employee is None:
            return projects.none()
        return projects.filter(
            Q(manager=employee)
            | Q(pk__in=ProjectMember.objects.filter(employee=employee).values("project_id"))
        )

    def get_inline_instances(self, request, obj=None):
        # Checklist, links, comments and files hang on a saved task: its page, not the add form.
        return super().get_inline_instances(request, obj) if obj is not None else []

    def has_add_permission(self, request):
        # A task is added to a project one works on: none, no add button.
        return super().has_add_permission(request) and self._workable_projects(request).exists()

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        project = self._project_for(request, obj)
        hide = set()
        if obj is None:
            hide |= {"hours_logged", "cost_logged", "completed_at"}
            if project is None:
                # Column, parent and assignees are chosen among the project's: once it is known.
                hide |= {"column", "assignee_list", "parent"}
        elif not visibility.may_see_cost(request.user, obj.project):
            hide.add("cost_logged")
        kept = []
        for name, options in fieldsets:
            rows = []
            for row in options["fields"]:
                if isinstance(row, tuple):
                    row = tuple(f for f in row if f not in hide)
                    if row:
                        rows.append(row if len(row) > 1 else row[0])
                elif row not in hide:
                    rows.append(row)
            if rows:
                kept.append((name, {**options, "fields": rows}))
        return kept

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            readonly.append("project")  # a task stays in its project
        return readonly

    def get_form(self, request, obj=None, change=False, **kwargs):
        request._task_in_hand = obj
        project = self._project_for(request, obj)
        form = super().get_form(request, obj, change, **kwargs)

        class Form(form):
            def __init__(inner, *args, **kw):
                kw.setdefault("project", project)
                super().__init__(*args, **kw)

        return Form

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        project = self._project_for(request, None)
        if project is not None:
            initial["project"] = project.pk
            # The column is required: start where the board puts a new card.
            first = self._columns_of(project).first()
            if first is not None:
                initial.setdefault("column", first.pk)
        return initial

    def _columns_of(self, project):
        """The columns a task of ``project`` may stand in, in the board's order."""
        return Column.objects.filter(project=project, retired_at__isnull=True).order_by(
            "order", "pk"
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        task = getattr(request, "_task_in_hand", None)
        project = task.project if task is not None else self._project_for(request, None)
        if db_field.name == "project":
            field.queryset = self._workable_projects(request).order_by("code")
        elif db_field.name == "column":
            field.queryset = (
                self._columns_of(project) if project is not None else Column.objects.none()
            )
        elif db_field.name == "parent":
            queryset = Task.objects.none()
            if project is not None:
                queryset = Task.objects.filter(project=project).select_related("project")
                if task is not None:
                    queryset = queryset.exclude(pk=task.pk)
            field.queryset = queryset.order_by("number")
        return field

    # -- writes: through the services -------------------------------------------------

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        task_services.task_save(
            user=request.user,
            task=obj,
            assignees=data.get("assignee_list") if "assignee_list" in form.fields else None,
            labels=data.get("label_list") if "label_list" in form.fields else None,
        )

    def save_related(self, request, form, formsets, change):
        # Assignees and labels were written with the task; the inlines go one by one.
        for formset in formsets:
            self.save_formset(request, form, formset, change)

    def save_formset(self, request, form, formset, change):
        user, task = request.user, form.instance
        instances = formset.save(commit=False)
        model = formset.model
        for gone in formset.deleted_objects:
            if model is ChecklistItem:
                task_services.checklist_item_delete(user=user, item=gone)
            elif model is Attachment:
                task_services.attachment_delete(user=user, attachment=gone)
            elif model is Dependency:
                dependency_services.dependency_remove(user=user, task=task, blocker=gone.blocker)
        for instance in instances:
            instance.task = task
            if model is ChecklistItem:
                task_services.checklist_item_save(user=user, item=instance)
            elif model is Attachment:
                task_services.attachment_save(user=user, attachment=instance)
            elif model is Dependency:
                dependency_services.dependency_save(user=user, link=instance)
            elif model is Comment and instance.pk is None:
                comment_services.comment_add(user=user, task=task, body=instance.body)
        formset.save_m2m()

    def delete_model(self, request, obj):
        task_services.task_delete(user=request.user, task=obj)

    def delete_queryset(self, request, queryset):
        for task in queryset.select_related("project"):
            task_services.task_delete(user=request.user, task=task)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except Refused as refusal:
            # A refusal the form could not foresee (a race): said on the page it reloads.
            show_refusal(request, refusal)
            return HttpResponseRedirect(request.get_full_path())

    # -- columns ------------------------------------------------------------------------

    @display(description=_("task"), ordering="number")
    def reference_display(self, obj):
        return obj.reference if obj and obj.pk else "—"

    @display(description=_("project"), ordering="project__code")
    def project_display(self, obj):
        return obj.project.name

    @display(description=_("status"), ordering="column__order")
    def column_display(self, obj):
        return obj.column.name

    @display(description=_("assignees"))
    def assignees_display(self, obj):
        names = [row.employee.full_name for row in obj.assignments.all()]
        return ", ".join(names) if names else "—"

    @display(description=_("priority"), ordering="priority", label=PRIORITY_COLOURS)
    def priority_badge(self, obj):
        return obj.priority, obj.get_priority_display()

    @display(description=_("due"), ordering="due_date")
    def due_display(self, obj):
        if not obj.due_date:
            return "—"
        text = date_format(obj.due_date, "SHORT_DATE_FORMAT")
        if obj.due_date < timezone.localdate() and not obj.column.is_done:
            return format_html(
                '<span class="text-red-600 font-semibold">{}</span> <span class="sr-only">{}</span>',
                text,
                _("overdue"),
            )
        return text

    @display(description=_("labels"))
    def labels_display(self, obj):
        return format_html_join(
            " ",
            '<span class="inline-block rounded-default px-2 text-xs text-white" '
            'style="background:{}">{}</span>',
            ((label.colour, label.name) for label in obj.labels.all()),
        )

    @display(description=_("cost logged"))
    def cost_logged(self, obj):
        # Shown only to whoever may see the project's cost (get_fieldsets).
        if obj is None or obj.pk is None:
            return "—"
        total = obj.time_logs.aggregate(total=Sum("cost_amount"))["total"]
        return total if total is not None else 0
