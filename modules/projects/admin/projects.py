"""The project list and page. The project's own pages (board, workflow,
analytics, data) hang on this admin's URLs, each area in its own file.

Every path (list, filters, search, export, history, object page) starts from
``visibility.visible_projects``; writes go through services/projects.py.
"""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpResponseRedirect
from django.urls import NoReverseMatch, reverse
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from rules.contrib.admin import ObjectPermissionsModelAdminMixin
from unfold.contrib.filters.admin import ChoicesDropdownFilter, DropdownFilter
from unfold.decorators import action, display

from modules.employees.models import Employee
from modules.projects.forms import ProjectForm
from modules.projects.models import Project
from modules.projects.selectors import visibility
from modules.projects.services import projects as project_services
from opsplatform.admin import TenantModelAdmin, tenant_site
from opsplatform.admin.actions import renders_on_get
from opsplatform.refusals import Refused, show_refusal

HEALTH_COLOURS = {
    Project.Health.ON_TRACK: "success",
    Project.Health.AT_RISK: "warning",
    Project.Health.OFF_TRACK: "danger",
}
# The project's own pages, by URL name (each area mounts its own; a page not on
# this site yet is left out, never an error).
PROJECT_PAGES = (
    ("admin:projects_board", _("Board"), "view_kanban"),
    ("admin:projects_columns", _("Workflow"), "view_column"),
    ("admin:projects_analytics", _("Analytics"), "monitoring"),
)
COST_FIELDS = frozenset({"budget_amount", "bill_rate"})


def page_url(name: str, project_id: int) -> str | None:
    try:
        return reverse(name, args=[project_id])
    except NoReverseMatch:
        return None


class ManagerFilter(DropdownFilter):
    title = _("project manager")
    parameter_name = "manager"

    def lookups(self, request, model_admin):
        # Only the managers of projects this person sees: a filter never lists more.
        visible = visibility.visible_projects(request.user).values("manager_id")
        return [
            (str(pk), f"{first} {last}".strip())
            for pk, first, last in Employee.objects.filter(pk__in=visible)
            .order_by("last_name", "first_name")
            .values_list("pk", "first_name", "last_name")
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(manager_id=int(value))
        return queryset


@admin.register(Project, site=tenant_site)
class ProjectAdmin(ObjectPermissionsModelAdminMixin, TenantModelAdmin):
    form = ProjectForm
    list_display = [
        "code",
        "name",
        "client",
        "manager_display",
        "status_badge",
        "health_badge",
        "due_display",
        "board_link",
    ]
    list_display_links = ["code", "name"]
    list_select_related = ["manager"]
    list_filter = [
        ("status", ChoicesDropdownFilter),
        ("health", ChoicesDropdownFilter),
        ManagerFilter,
        "is_template",
    ]
    list_filter_submit = True
    search_fields = ["code", "name", "client"]
    search_help_text = _("Code, name or client")
    ordering = ["code"]
    actions_detail = ["start_from_template"]
    readonly_fields = ["health_badge", "health_why", "health_checked_at", "task_sequence_display"]
    fieldsets = [
        (None, {"fields": [("code", "name"), "client", "description", "status", "is_template"]}),
        (_("People"), {"fields": ["manager", "member_list"]}),
        (_("Dates"), {"fields": [("start_date", "due_date")]}),
        (
            _("Budget and billing"),
            {"fields": [("budget_hours", "budget_amount"), ("billable", "bill_rate")]},
        ),
        (
            _("Health"),
            {
                "fields": [
                    "health_badge",
                    "health_why",
                    "health_checked_at",
                    "task_sequence_display",
                ]
            },
        ),
    ]

    def get_queryset(self, request):
        return visibility.visible_projects(request.user, super().get_queryset(request))

    def get_urls(self):
        # Each area mounts its pages here (names: admin:projects_board, ...).
        from modules.projects.admin import analytics_urls, board_urls, data_urls

        return (
            board_urls.urls(self)
            + analytics_urls.urls(self)
            + data_urls.urls(self)
            + super().get_urls()
        )

    # -- cost figures: the manager of the project in hand sees them too ---------------

    def hidden_fields(self, request) -> set[str]:
        hidden = super().hidden_fields(request)
        if not hidden & COST_FIELDS:
            return hidden
        project = getattr(request, "_project_in_hand", None)
        adding = getattr(request, "_adding_project", False)
        # A new project's figures are its future manager's: whoever starts it.
        if (project is not None and visibility.may_see_cost(request.user, project)) or (
            adding and visibility.may_start_projects(request.user)
        ):
            return hidden - COST_FIELDS
        return hidden

    def _in_hand(self, request, obj) -> None:
        if obj is not None:
            request._project_in_hand = obj
        else:
            request._adding_project = True

    def get_fieldsets(self, request, obj=None):
        self._in_hand(request, obj)
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None:
            return fieldsets
        # A new project: the template it starts from instead of "is a template",
        # and no health yet.
        adding = []
        for name, options in fieldsets:
            fields = [
                "template" if row == "is_template" else row
                for row in options["fields"]
                if row not in self.readonly_fields
            ]
            if fields:
                adding.append((name, {**options, "fields": fields}))
        return adding

    def get_form(self, request, obj=None, change=False, **kwargs):
        self._in_hand(request, obj)
        form = super().get_form(request, obj, change, **kwargs)
        templates = visibility.visible_projects(request.user).filter(is_template=True)

        class Form(form):
            def __init__(inner, *args, **kw):
                kw.setdefault("templates", templates)
                super().__init__(*args, **kw)

        return Form

    def history_hidden_fields(self, request) -> set[str]:
        object_id = (
            request.resolver_match.kwargs.get("object_id") if request.resolver_match else None
        )
        if object_id and str(object_id).isdigit():
            project = self.get_queryset(request).filter(pk=int(object_id)).first()
            if project is not None:
                request._project_in_hand = project
        return self.hidden_fields(request)

    # -- writes go through the service ------------------------------------------------

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        template_id = request.GET.get("template")
        if template_id and template_id.isdigit():
            template = (
                visibility.visible_projects(request.user)
                .filter(pk=int(template_id), is_template=True)
                .first()
            )
            if template is not None:
                initial.setdefault("template", template.pk)
                for name in ("client", "description", "budget_hours", "billable"):
                    initial.setdefault(name, getattr(template, name))
                if visibility.may_see_cost(request.user, template):
                    initial.setdefault("budget_amount", template.budget_amount)
                    initial.setdefault("bill_rate", template.bill_rate)
        return initial

    def save_model(self, request, obj, form, change):
        template = None if change else form.cleaned_data.get("template")
        if template is not None and not obj.due_date and template.due_date:
            if template.start_date and obj.start_date:
                obj.due_date = template.due_date + (obj.start_date - template.start_date)
        project_services.project_save(
            user=request.user,
            project=obj,
            members=list(form.cleaned_data.get("member_list") or []),
            template=template,
        )

    def save_related(self, request, form, formsets, change):
        # The members were written by the service; nothing else is a related list here.
        for formset in formsets:
            self.save_formset(request, form, formset, change)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except Refused as refusal:
            show_refusal(request, refusal)
            return HttpResponseRedirect(request.get_full_path())

    # -- the project's pages ----------------------------------------------------------

    def record_links(self, request, obj) -> list[dict]:
        links = super().record_links(request, obj)
        for name, title, icon in PROJECT_PAGES:
            url = page_url(name, obj.pk)
            if url:
                links.append({"title": title, "icon": icon, "url": url})
        # The project's time, on the time log list (narrowed there to what the person may see).
        links.append(
            {
                "title": _("Time logs"),
                "icon": "timer",
                "url": reverse("admin:projects_timelog_changelist") + f"?project={obj.pk}",
            }
        )
        return links

    @action(
        description=_("Start a project from this template"),
        icon="content_copy",
        permissions=["start_from_template"],
    )
    @renders_on_get
    def start_from_template(self, request, object_id):
        # Opens the new-project form with the template chosen; the copy is made
        # when that form is saved (POST), like any other new project.
        url = reverse("admin:projects_project_add") + "?" + urlencode({"template": object_id})
        return HttpResponseRedirect(url)

    def has_start_from_template_permission(self, request, object_id=None):
        if not visibility.may_start_projects(request.user):
            return False
        if object_id is None:
            return True
        return self.get_queryset(request).filter(pk=object_id, is_template=True).exists()

    # -- columns -------------------------------------------------------------------------

    @display(description=_("project manager"), ordering="manager__last_name")
    def manager_display(self, obj):
        return obj.manager.full_name if obj.manager_id else "—"

    @display(
        description=_("status"),
        ordering="status",
        label={
            Project.Status.PLANNED: "info",
            Project.Status.ACTIVE: "success",
            Project.Status.ON_HOLD: "warning",
            Project.Status.COMPLETED: "primary",
            Project.Status.CANCELLED: "danger",
        },
    )
    def status_badge(self, obj):
        return obj.status, obj.get_status_display()

    @display(description=_("health"), ordering="health", label=HEALTH_COLOURS)
    def health_badge(self, obj):
        if not obj or not obj.health:
            return "", _("Not computed yet")
        return obj.health, obj.get_health_display()

    @display(description=_("why"))
    def health_why(self, obj):
        from modules.projects.selectors.health import health_sentence

        # Written from the stored facts in the reader's language (selectors/health.py).
        return health_sentence(obj) if obj and obj.health else "—"

    @display(description=_("due"), ordering="due_date")
    def due_display(self, obj):
        return date_format(obj.due_date, "SHORT_DATE_FORMAT") if obj.due_date else "—"

    @display(description=_("board"))
    def board_link(self, obj):
        from django.utils.html import format_html

        url = page_url("admin:projects_board", obj.pk)
        if not url:
            return "—"
        return format_html('<a class="text-primary-600" href="{}">{}</a>', url, _("Board"))

    @display(description=_("tasks numbered"))
    def task_sequence_display(self, obj):
        return obj.task_sequence if obj else 0
