"""Screens for people and organisation. Writes go through services."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from unfold.contrib.filters.admin import (
    AutocompleteSelectFilter,
    ChoicesDropdownFilter,
    RelatedDropdownFilter,
)
from unfold.decorators import action, display
from unfold.paginator import InfinitePaginator

from modules.employees import org_chart, services, views
from modules.employees.models import (
    CostRate,
    Department,
    Employee,
    EmployeeDocument,
    Position,
    Weekday,
    WorkLocation,
    WorkSchedule,
)
from modules.employees.resources import DepartmentResource, EmployeeResource, PositionResource
from modules.employees.selectors import search_employees, visible_employees
from modules.employees.services import cost_rates
from opsplatform.admin import TenantModelAdmin, TenantTabularInline, tenant_site
from opsplatform.admin.actions import renders_on_get
from opsplatform.refusals import show_refusal

# -- organisation ---------------------------------------------------------------


@admin.register(Department, site=tenant_site)
class DepartmentAdmin(TenantModelAdmin):
    list_display = ["name", "code", "parent", "head", "headcount"]
    list_select_related = ["parent", "head"]
    search_fields = ["name", "code"]
    autocomplete_fields = ["parent", "head"]
    resource_classes = [DepartmentResource]
    import_enabled = True
    ordering = ["name"]  # Meta.ordering is dropped by the headcount's GROUP BY

    def get_queryset(self, request):
        from django.db.models import Count, Q

        return (
            super()
            .get_queryset(request)
            .annotate(
                active_headcount=Count("employees", filter=~Q(employees__status="terminated"))
            )
        )

    @display(description=_("people"), ordering="active_headcount")
    def headcount(self, obj):
        return obj.active_headcount

    def save_model(self, request, obj, form, change):
        services.department_save(department=obj)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)

        class DepartmentForm(form):
            def _post_clean(inner):
                super()._post_clean()
                try:
                    services.check_no_department_loop(inner.instance)
                except ValidationError as error:
                    inner._update_errors(error)

        return DepartmentForm


@admin.register(Position, site=tenant_site)
class PositionAdmin(TenantModelAdmin):
    list_display = ["title", "department"]
    list_select_related = ["department"]
    search_fields = ["title"]
    # Search, not a list of every department (a big company has thousands).
    list_filter = [("department", AutocompleteSelectFilter)]
    autocomplete_fields = ["department"]
    resource_classes = [PositionResource]
    import_enabled = True


@admin.register(WorkLocation, site=tenant_site)
class WorkLocationAdmin(TenantModelAdmin):
    list_display = ["name", "time_zone"]
    search_fields = ["name"]


class WorkScheduleForm(forms.ModelForm):
    working_days = forms.TypedMultipleChoiceField(
        label=_("working days"),
        choices=Weekday.choices,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = WorkSchedule
        fields = ["name", "working_days", "starts_at", "ends_at", "break_minutes"]


@admin.register(WorkSchedule, site=tenant_site)
class WorkScheduleAdmin(TenantModelAdmin):
    form = WorkScheduleForm
    list_display = ["name", "days_display", "starts_at", "ends_at", "hours"]
    search_fields = ["name"]

    @display(description=_("working days"))
    def days_display(self, obj):
        labels = dict(Weekday.choices)
        return ", ".join(str(labels[d]) for d in sorted(obj.working_days or []))

    @display(description=_("hours per day"))
    def hours(self, obj):
        return f"{obj.hours_per_day:g}"


# -- employees ------------------------------------------------------------------------


EXPIRY_LABELS = {
    "expired": _("Expired"),
    "expiring": _("Expires soon"),
    "valid": _("Valid"),
    "none": _("No expiry"),
}


@display(
    description=_("expiry"),
    label={"expired": "danger", "expiring": "warning", "valid": "success", "none": "info"},
)
def expiry_badge(admin, obj):
    """A document's expiry as a coloured badge (shared by the inline and the list)."""
    state = obj.expiry_state if obj.pk else "none"
    return state, EXPIRY_LABELS[state]


class DocumentInline(TenantTabularInline):
    model = EmployeeDocument
    fields = ["kind", "number", "file", "issued_on", "expires_on", "expiry_badge", "notes"]
    readonly_fields = ["expiry_badge"]

    expiry_badge = expiry_badge


class CostRateForm(forms.ModelForm):
    class Meta:
        model = CostRate
        fields = ["valid_from", "hourly_rate", "currency", "note"]

    def clean(self):
        cleaned = super().clean()
        employee = self.instance.employee_id or getattr(cleaned.get("employee"), "pk", None)
        valid_from = cleaned.get("valid_from")
        if employee and valid_from and self.instance.pk is None:
            if CostRate.objects.filter(employee_id=employee, valid_from=valid_from).exists():
                raise ValidationError(
                    {"valid_from": _("This person already has a rate from this date.")}
                )
        return cleaned


class CostRateInline(TenantTabularInline):
    """Dated rates, newest first: add one (backdated too); a rate once set is a record.

    Only who may see cost reaches it (employees.view_costrate), and its figures are
    confidential fields besides. Rows are added through services.cost_rates, which
    keeps the employee's current rate in step.
    """

    model = CostRate
    form = CostRateForm
    fields = ["valid_from", "hourly_rate", "currency", "note"]
    ordering = ["-valid_from"]
    can_delete = False
    verbose_name_plural = _("cost rates (dated)")

    # Saved rows are shown, not edited: a correction is a new rate from a date.
    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Employee, site=tenant_site)
class EmployeeAdmin(TenantModelAdmin):
    list_display = [
        "employee_number",
        "name_display",
        "department",
        "position",
        "manager_display",
        "location",
        "status_badge",
    ]
    list_display_links = ["employee_number", "name_display"]
    list_select_related = ["department", "position", "manager", "location", "schedule"]
    search_fields = ["employee_number", "first_name", "last_name", "work_email"]
    search_help_text = _("Name, employee number or work email")
    list_filter = [
        ("department", AutocompleteSelectFilter),
        ("status", ChoicesDropdownFilter),
        ("manager", AutocompleteSelectFilter),
        ("location", RelatedDropdownFilter),
        ("employment_type", ChoicesDropdownFilter),
    ]
    list_filter_submit = True
    autocomplete_fields = [
        "manager",
        "department",
        "position",
        "location",
        "schedule",
        "membership",
    ]
    inlines = [DocumentInline, CostRateInline]
    paginator = InfinitePaginator
    show_full_result_count = False
    list_per_page = 50
    resource_classes = [EmployeeResource]
    actions_detail = ["terminate_action", "invite_action"]
    ordering = ["last_name", "first_name", "pk"]
    readonly_fields = ["created_at", "updated_at"]

    # Salary is confidential (Employee.confidential_fields): the admin base
    # leaves it out of the form, filters, ordering, search, export and history
    # of whoever may not read it.
    fieldsets = [
        (
            None,
            {
                "fields": [
                    ("employee_number", "employment_type"),
                    ("first_name", "last_name"),
                    ("work_email", "phone"),
                    "photo",
                ]
            },
        ),
        (
            _("Organisation"),
            {
                "fields": [
                    ("department", "position"),
                    ("manager", "location"),
                    "schedule",
                    "membership",
                ]
            },
        ),
        (
            _("Employment"),
            {"fields": [("hire_date", "status"), ("end_date", "termination_reason")]},
        ),
        (_("Cost"), {"fields": [("hourly_cost_rate", "cost_currency")]}),
        (_("Salary"), {"fields": [("salary", "salary_currency")]}),
        (
            _("Emergency contact"),
            {
                "fields": [
                    ("emergency_contact_name", "emergency_contact_phone"),
                    "emergency_contact_relation",
                ]
            },
        ),
    ]

    # -- who sees what -------------------------------------------------------

    def get_queryset(self, request):
        # The list, search, autocomplete, export, history and files all start here.
        return visible_employees(request.user, super().get_queryset(request))

    def get_search_results(self, request, queryset, search_term):
        # search_fields name what the search column holds (Employee.search); the
        # column, not four LIKEs, is what PostgreSQL can read quickly here.
        if not self.get_search_fields(request):
            return queryset, False
        return search_employees(queryset, search_term), False

    # -- list columns -----------------------------------------------------------

    @display(description=_("name"), ordering="last_name")
    def name_display(self, obj):
        return obj.full_name

    @display(description=_("line manager"), ordering="manager__last_name")
    def manager_display(self, obj):
        return obj.manager.full_name if obj.manager_id else "-"

    @display(
        description=_("status"),
        label={
            Employee.Status.ACTIVE: "success",
            Employee.Status.ON_LEAVE: "info",
            Employee.Status.SUSPENDED: "warning",
            Employee.Status.TERMINATED: "danger",
        },
    )
    def status_badge(self, obj):
        return obj.status, obj.get_status_display()

    # -- writes -------------------------------------------------------------------

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)

        class EmployeeForm(form):
            def _post_clean(inner):
                super()._post_clean()
                if inner.errors:
                    return
                try:
                    services.check_no_manager_loop(inner.instance)
                except ValidationError as error:
                    inner._update_errors(error)

        return EmployeeForm

    def save_model(self, request, obj, form, change):
        services.employee_save(employee=obj)

    def save_formset(self, request, form, formset, change):
        if formset.model is not CostRate:
            return super().save_formset(request, form, formset, change)
        # New dated rates go through the service (it keeps the current rate in step).
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for inline_form in formset.extra_forms:
            if not inline_form.has_changed() or not inline_form.cleaned_data:
                continue
            data = inline_form.cleaned_data
            rate = cost_rates.cost_rate_add(
                employee=form.instance,
                valid_from=data["valid_from"],
                hourly_rate=data["hourly_rate"],
                currency=data.get("currency", ""),
                note=data.get("note", ""),
                user=request.user,
            )
            formset.new_objects.append(rate)

    # -- actions -------------------------------------------------------------------

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path(
                "import/",
                wrap(views.EmployeeImportView.as_view(model_admin=self)),
                name="employees_employee_people_import",
            ),
            path(
                "import/template/<str:file_format>/",
                wrap(views.import_template),
                name="employees_employee_import_template",
            ),
            path(
                "import/<int:job_id>/",
                wrap(views.ImportJobView.as_view(model_admin=self)),
                name="employees_employee_import_job",
            ),
            path(
                "import/<int:job_id>/status/",
                wrap(views.import_job_status),
                name="employees_employee_import_job_status",
            ),
            path(
                "org-chart/",
                wrap(org_chart.OrgChartView.as_view(model_admin=self)),
                name="employees_org_chart",
            ),
            path(
                "org-chart/nodes/",
                wrap(org_chart.org_chart_nodes),
                name="employees_org_chart_nodes",
            ),
            path(
                "me/",
                wrap(views.MyProfileView.as_view(model_admin=self)),
                name="employees_my_profile",
            ),
        ] + super().get_urls()

    actions_list = ["bulk_import"]

    def has_bulk_import_permission(self, request):
        return request.user.has_perm("employees.import_employee")

    @renders_on_get  # a link to the import page, which writes on its own POST
    @action(description=_("Import people"), icon="upload_file", permissions=["bulk_import"])
    def bulk_import(self, request):
        return HttpResponseRedirect(reverse("admin:employees_employee_people_import"))

    def has_terminate_action_permission(self, request, object_id=None):
        return request.user.has_perm("employees.change_employee")

    def has_invite_action_permission(self, request, object_id=None):
        return request.user.has_perm("employees.change_employee") and request.user.has_perm(
            "tenants.add_invitation"
        )

    @renders_on_get  # GET shows the termination form; only its POST terminates
    @action(description=_("Terminate"), url_path="terminate", permissions=["terminate_action"])
    def terminate_action(self, request, object_id):
        return views.TerminatePage.as_view(model_admin=self)(request, object_id=object_id)

    # POST only: the admin base shows a GET "Invite to log in …?" with a button.
    @action(description=_("Invite to log in"), url_path="invite", permissions=["invite_action"])
    def invite_action(self, request, object_id):
        employee = self.get_object(request, object_id)
        if employee is None:
            raise Http404
        try:
            services.employee_invite_to_login(employee=employee, by=request.user)
        except ValidationError as error:
            show_refusal(request, error)
        else:
            messages.success(
                request,
                _("Invitation sent to %(email)s.") % {"email": employee.work_email},
            )
        return HttpResponseRedirect(reverse("admin:employees_employee_change", args=[employee.pk]))


@admin.register(CostRate, site=tenant_site)
class CostRateAdmin(TenantModelAdmin):
    """Every dated rate, for who may see cost (employees.view_costrate); added here or
    on the employee's page, through services.cost_rates. A rate once set is a record:
    it is not edited or deleted (time already logged kept its price anyway)."""

    form = CostRateForm
    list_display = ["employee", "valid_from", "hourly_rate", "currency", "note"]
    list_select_related = ["employee"]
    list_filter = [("employee", AutocompleteSelectFilter), "valid_from"]
    list_filter_submit = True
    autocomplete_fields = ["employee"]
    search_fields = ["employee__first_name", "employee__last_name", "note"]
    ordering = ["employee", "-valid_from"]
    fields = ["employee", "valid_from", "hourly_rate", "currency", "note"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(employee__in=visible_employees(request.user).values("pk"))
        )

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        saved = cost_rates.cost_rate_add(
            employee=obj.employee,
            valid_from=obj.valid_from,
            hourly_rate=obj.hourly_rate,
            currency=obj.currency,
            note=obj.note,
            user=request.user,
        )
        obj.pk = saved.pk


@admin.register(EmployeeDocument, site=tenant_site)
class EmployeeDocumentAdmin(TenantModelAdmin):
    list_display = ["employee", "kind", "number", "expires_on", "expiry_badge"]
    list_select_related = ["employee"]
    search_fields = [
        "number",
        "employee__first_name",
        "employee__last_name",
        "employee__employee_number",
    ]
    list_filter = [("kind", ChoicesDropdownFilter), "expires_on"]
    autocomplete_fields = ["employee"]
    ordering = ["expires_on"]

    expiry_badge = expiry_badge
