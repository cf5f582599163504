"""Approval screens: requests (per-kind forms, tracker, decisions), routes and deputies.

The inbox and the decision endpoints live in ``views.py``; every write goes
through ``services``.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.admin.utils import display_for_field
from django.core.exceptions import ValidationError
from django.db.models import OuterRef, Q, Subquery
from django.http import Http404, HttpResponseRedirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from rules.contrib.admin import ObjectPermissionsModelAdminMixin
from unfold.contrib.filters.admin import ChoicesDropdownFilter
from unfold.decorators import action, display
from unfold.paginator import InfinitePaginator

from modules.approvals import services, views
from modules.approvals.exports import request_resource
from modules.approvals.forms import ApprovalRequestForm, form_for_kind
from modules.approvals.kinds import all_kinds, get_kind, subject_accessors
from modules.approvals.models import (
    ApprovalRequest,
    Delegation,
    RequestStatus,
    RequestStep,
    Route,
    RouteGate,
    StepStatus,
)
from modules.approvals.route_forms import RouteForm, RouteGateFormSet
from modules.approvals.selectors import stuck_steps, visible_requests
from opsplatform.admin.autocomplete import open_choice_search
from opsplatform.admin.base import (
    TenantModelAdmin,
    TenantStackedInline,
    admin,
)
from opsplatform.admin.sites import tenant_site
from opsplatform.files.fields import private_fields
from opsplatform.permissions import current_membership
from opsplatform.refusals import show_refusal
from tenants.models import Membership

STATUS_COLOURS = {
    RequestStatus.DRAFT: "info",
    RequestStatus.IN_REVIEW: "warning",
    RequestStatus.RETURNED: "warning",
    RequestStatus.COMPLETED: "success",
    RequestStatus.REJECTED: "danger",
    RequestStatus.CANCELLED: "info",
}


class StuckFilter(admin.SimpleListFilter):
    title = _("deadline")
    parameter_name = "stuck"

    def lookups(self, request, model_admin):
        return [("yes", _("Stuck: past the SLA"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(pk__in=stuck_steps().values("request_id"))
        return queryset


class MineFilter(admin.SimpleListFilter):
    title = _("requester")
    parameter_name = "mine"

    def lookups(self, request, model_admin):
        return [("yes", _("Raised by me"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(requester_id=request.user.pk)
        return queryset


@admin.register(ApprovalRequest, site=tenant_site)
class ApprovalRequestAdmin(ObjectPermissionsModelAdminMixin, TenantModelAdmin):
    # Permissions: rules decide per request (rules.py), asked with the object.

    list_display = [
        "reference_link",
        "title",
        "kind_badge",
        "amount_display",
        "requester_name",
        "status_badge",
        "current_gate",
        "created_at",
    ]
    list_display_links = ["title"]
    list_filter = [
        ("status", ChoicesDropdownFilter),
        ("kind", ChoicesDropdownFilter),
        MineFilter,
        StuckFilter,
    ]
    list_select_related = ["requester"]
    change_form_template = "approvals/request_change_form.html"
    add_form_template = "approvals/request_change_form.html"
    actions = None
    form = ApprovalRequestForm
    # Requests pile up over the years: no COUNT(*) over the table per page.
    paginator = InfinitePaginator

    # -- list ----------------------------------------------------------------------

    def form_private_fields(self) -> dict:
        """The kinds' private files on the request form (a payment's invoice), so an
        upload streams against its own field's limit (opsplatform/files/uploads.py)."""
        return {
            field.name: field
            for spec in all_kinds()
            for field in private_fields(spec.subject_model)
            if field.name in spec.fields
        }

    def get_object(self, request, object_id, from_field=None):
        # The record page reads the kind's own row: it comes with the request's query.
        queryset = self.get_queryset(request).select_related(*subject_accessors())
        field = (
            ApprovalRequest._meta.pk
            if from_field is None
            else ApprovalRequest._meta.get_field(from_field)
        )
        try:
            return queryset.get(**{field.name: field.to_python(object_id)})
        except (ApprovalRequest.DoesNotExist, ValidationError, ValueError):
            return None

    def get_resource_classes(self, request):
        return [request_resource()]

    def get_export_queryset(self, request):
        # Each kind's own row rides along (one join per kind, no query per row).
        return super().get_export_queryset(request).select_related(*subject_accessors())

    def get_search_fields(self, request):
        # Each kind names the fields of its own the list searches (payee, vendor …).
        return [
            "title",
            *(f"{spec.accessor}__{name}" for spec in all_kinds() for name in spec.search_fields),
        ]

    def get_queryset(self, request):
        current = RequestStep.objects.filter(request_id=OuterRef("pk"), status=StepStatus.CURRENT)
        return (
            visible_requests(request.user)
            .select_related("requester")
            .annotate(
                current_gate_name=Subquery(current.values("name")[:1]),
                current_since=Subquery(current.values("entered_at")[:1]),
            )
        )

    @display(description=_("reference"), ordering="number")
    def reference_link(self, obj):
        return obj.reference

    @display(description=_("kind"), label=True)
    def kind_badge(self, obj):
        return obj.get_kind_display()

    @display(description=_("amount"), ordering="amount")
    def amount_display(self, obj):
        return format_html('<span class="ap-nowrap">{}</span>', obj.amount_text)

    @display(description=_("requester"), ordering="requester__full_name")
    def requester_name(self, obj):
        return obj.requester.get_full_name()

    @display(description=_("status"), label={str(k): v for k, v in STATUS_COLOURS.items()})
    def status_badge(self, obj):
        # (code, text): the colour follows the code, so it holds in every language.
        return obj.status, obj.get_status_display()

    @display(description=_("at gate"))
    def current_gate(self, obj):
        name = getattr(obj, "current_gate_name", None)
        return name or "—"

    # -- forms: each kind shows its own fields -------------------------------------

    def _kind(self, request, obj) -> str:
        if obj is not None:
            return obj.kind
        kind = request.GET.get("kind", "")
        return kind if get_kind(kind) is not None else ""

    def get_fieldsets(self, request, obj=None):
        spec = get_kind(self._kind(request, obj))
        return [
            (None, {"fields": ["title", "description"]}),
            (_("Details"), {"fields": list(spec.fields) if spec else []}),
        ]

    def get_inlines(self, request, obj):
        spec = get_kind(self._kind(request, obj))
        return spec.admin_inlines() if spec else []

    def get_form(self, request, obj=None, **kwargs):
        # A new request's kind comes from ?kind=; its fields come with it.
        kwargs["form"] = form_for_kind(self._kind(request, obj))
        return super().get_form(request, obj, **kwargs)

    def __getattr__(self, name):
        # A view-only page shows the kind's fields read-only; the admin looks them
        # up here, since they are the subject's, not the request's.
        spec = _kind_of_field(name)
        if spec is None:
            raise AttributeError(name)
        field = spec.subject_model._meta.get_field(name)

        @display(description=field.verbose_name)
        def subject_value(obj):
            subject = obj.subject if obj is not None else None
            if subject is None or subject.pk is None:
                return "—"
            return display_for_field(getattr(subject, name), field, "—")

        return subject_value

    def add_view(self, request, form_url="", extra_context=None):
        if not self._kind(request, None):
            return views.kind_chooser(request, self)
        return super().add_view(request, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.kind = self._kind(request, None)
        # Lines are saved after this; the amount is refreshed in save_related.
        services.request_save(approval=obj, user=request.user, subject=form.subject)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.request_save(approval=form.instance, user=request.user)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except services.Refused as refusal:
            # A refusal from the service (not a form error): said on the page it redirects to.
            show_refusal(request, refusal)
            return HttpResponseRedirect(request.path)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context.update(views.request_page_context(request, obj, kind=self._kind(request, obj)))
        return super().render_change_form(request, context, add, change, form_url, obj)

    def response_add(self, request, obj, post_url_continue=None):
        if "_submit" in request.POST:
            return views.submit_after_save(request, obj)
        # A new request stays on its page: the route preview and Submit are there.
        self.message_user(
            request,
            _("Draft %(reference)s saved. Check the route below, then submit it.")
            % {"reference": obj.reference},
            messages.SUCCESS,
        )
        return HttpResponseRedirect(
            reverse("admin:approvals_approvalrequest_change", args=[obj.pk])
        )

    def response_change(self, request, obj):
        if "_submit" in request.POST:
            return views.submit_after_save(request, obj)
        return super().response_change(request, obj)

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("inbox/", wrap(views.InboxView.as_view(model_admin=self)), name="approvals_inbox"),
            path("inbox/count/", wrap(views.inbox_count_view), name="approvals_inbox_count"),
            path("inbox/approve/", wrap(views.bulk_approve), name="approvals_inbox_bulk_approve"),
            path("<int:pk>/decide/", wrap(views.decide), name="approvals_request_decide"),
            path("<int:pk>/submit/", wrap(views.submit), name="approvals_request_submit"),
            path("<int:pk>/resubmit/", wrap(views.resubmit), name="approvals_request_resubmit"),
            path("<int:pk>/cancel/", wrap(views.cancel), name="approvals_request_cancel"),
            path("<int:pk>/comment/", wrap(views.add_comment), name="approvals_request_comment"),
            path("<int:pk>/attach/", wrap(views.add_attachment), name="approvals_request_attach"),
            *super().get_urls(),
        ]


def _kind_of_field(name: str):
    for spec in all_kinds():
        if name in spec.fields:
            return spec
    return None


class RouteGateInline(TenantStackedInline):
    model = RouteGate
    formset = RouteGateFormSet
    # Searched, not listed: a select of every member is 100,000 options in a big company.
    autocomplete_fields = ["person", "escalate_to"]
    # One card per gate: who decides, when it applies, how long it may take.
    fields = [
        "position",
        ("name", "approver_type"),
        ("role", "person"),
        ("min_amount", "max_amount", "department"),
        ("sla_hours", "escalate_to"),
    ]
    ordering_field = "position"
    hide_ordering_field = True
    extra = 0

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in ("person", "escalate_to"):
            kwargs["queryset"] = Membership.objects.filter(
                status=Membership.Status.ACTIVE
            ).select_related("user")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Route, site=tenant_site)
class RouteAdmin(TenantModelAdmin):
    form = RouteForm
    list_display = ["name", "kind", "gate_chain", "customised", "updated_at"]
    fields = ["kind", "name"]
    inlines = [RouteGateInline]
    change_form_template = "approvals/route_change_form.html"
    actions_detail = ["reset_to_default"]

    def save_model(self, request, obj, form, change):
        # Changing a default route makes it the company's own, a place of the
        # plan's limit: checked by the gates' formset, and again here at the write.
        customising = change and (
            getattr(obj, "_customising", False) or getattr(obj, "_route_fields_changed", False)
        )
        if not customising:
            return super().save_model(request, obj, form, change)
        with services.route_customising(obj):
            super().save_model(request, obj, form, change)

    # POST only: the admin base answers a GET with "Reset to default …?" and a button.
    @action(description=_("Reset to default"), url_path="reset", permissions=["change"])
    def reset_to_default(self, request, object_id):
        route = self.get_object(request, object_id)
        if route is None:
            raise Http404
        if route.is_default:
            messages.info(request, _("This route is already the default one."))
        else:
            try:
                services.route_reset_to_default(route=route)
            except ValidationError as error:
                for message in error.messages:
                    messages.error(request, message)
            else:
                messages.success(
                    request,
                    _("The route is back to its default gates and no longer counts as customised."),
                )
        return HttpResponseRedirect(reverse("admin:approvals_route_change", args=[route.pk]))

    @display(description=_("customised"), boolean=True)
    def customised(self, obj):
        return not obj.is_default

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("gates")

    def changelist_view(self, request, extra_context=None):
        # Every kind has a route to edit, even in a company that never used approvals;
        # only for those who edit routes (anyone else's visit writes nothing).
        if self.has_add_permission(request):
            services.routes_ensure_defaults()
        return super().changelist_view(request, extra_context)

    @display(description=_("gates"))
    def gate_chain(self, obj):
        return " → ".join(gate.name for gate in obj.gates.all())

    def get_readonly_fields(self, request, obj=None):
        return ["kind"] if obj is not None else []


for _field in ("person", "escalate_to"):
    open_choice_search(
        RouteGate, _field, permission="approvals.change_route", only=Q(status="active")
    )
open_choice_search(
    Delegation, "principal", permission="approvals.manage_all_deputies", only=Q(status="active")
)
open_choice_search(
    Delegation, "deputy", permission="approvals.add_delegation", only=Q(status="active")
)


@admin.register(Delegation, site=tenant_site)
class DelegationAdmin(ObjectPermissionsModelAdminMixin, TenantModelAdmin):
    list_display = ["principal", "deputy", "starts_on", "ends_on", "is_running", "note"]
    list_select_related = ["principal__user", "deputy__user"]
    # Searched, not listed (a select of every member is 100,000 options in a big
    # company). Any member names a deputy, so the search is opened to them below.
    autocomplete_fields = ["principal", "deputy"]

    def get_fields(self, request, obj=None):
        if request.user.has_perm("approvals.manage_all_deputies"):
            return ["principal", "deputy", "starts_on", "ends_on", "note"]
        return ["deputy", "starts_on", "ends_on", "note"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.has_perm("approvals.manage_all_deputies"):
            return queryset
        membership = current_membership(request.user)
        return queryset.filter(principal_id=membership.pk if membership else None)

    @display(description=_("running now"), boolean=True)
    def is_running(self, obj):
        today = timezone.localdate()
        return obj.starts_on <= today <= obj.ends_on

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        me = current_membership(request.user)

        class DelegationForm(form_class):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                # Without the "approver" field, the deputy is set for oneself.
                if "principal" not in self.fields and self.instance.principal_id is None:
                    self.instance.principal = me

            def clean(self):
                data = super().clean()
                # principal_id, not .principal: an empty "approver" leaves none to read.
                principal = data.get("principal") or (
                    self.instance.principal if self.instance.principal_id else None
                )
                if principal is not None and data.get("deputy") == principal:
                    self.add_error("deputy", _("A person cannot be their own deputy."))
                return data

        return DelegationForm

    def save_model(self, request, obj, form, change):
        services.delegation_save(delegation=obj, user=request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in ("principal", "deputy"):
            kwargs["queryset"] = Membership.objects.filter(
                status=Membership.Status.ACTIVE
            ).select_related("user")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
