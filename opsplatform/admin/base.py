"""The admin base every tenant screen uses.

``TenantModelAdmin`` is unfold's ModelAdmin with history and import/export,
where everything (querysets, choices, autocomplete, filters, history, export)
is limited to the current tenant. Most of that follows from the fail-closed
default manager; what Django or a library reads around it is closed here:

- a missing or foreign id answers 404 on change, delete and history pages,
  never a redirect that tells "exists elsewhere" from "never existed";
- history rows are read through the tenant column, not only by object id;
- imports build resources that cannot name a tenant;
- permissions come from ``rules`` predicates (``<app>.<action>_<model>``);
- history pages follow the person's narrowed list (``get_queryset``) and
  old versions are read-only for everyone: no POST restores or saves;
- a model's confidential fields (``opsplatform.confidential``) are left out
  of every path of someone without their permission: form, list columns,
  filters and lookups, ordering, search, export, history diffs and versions;
- unfold actions that write are POST-only behind a confirmation page
  (``opsplatform.admin.actions``).
"""

from __future__ import annotations

import inspect

from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.admin.exceptions import DisallowedModelAdminLookup
from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseNotAllowed
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch
from django.utils.functional import cached_property
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportModelAdmin
from import_export.formats.base_formats import CSV, XLSX
from simple_history.admin import SimpleHistoryAdmin
from unfold.admin import ModelAdmin, StackedInline, TabularInline
from unfold.admin import checkbox as unfold_checkbox
from unfold.contrib.import_export.forms import ExportForm, ImportForm
from unfold.decorators import display

from opsplatform import confidential
from opsplatform.admin.actions import ConfirmedActionsMixin
from opsplatform.admin.resources import tenant_resource_factory
from opsplatform.admin.sane_input import harden_formfield
from opsplatform.billing.entitlements import LimitReached
from opsplatform.billing.limits import WithinLimitsForm, limits_consumed_by
from opsplatform.tenancy.context import require_current_tenant

READ_METHODS = ("GET", "HEAD")


class ReadOnlyHistoryMixin:
    """Old versions are shown, never saved: simple-history's form view would save
    a POST whatever SIMPLE_HISTORY_REVERT_DISABLED says. Restoring old values is
    an ordinary change through the change form."""

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method not in READ_METHODS:
            return HttpResponseNotAllowed(READ_METHODS)
        request._history_read_only = True
        return super().history_form_view(request, object_id, version_id, extra_context)

    def get_readonly_fields(self, request, obj=None):
        if getattr(request, "_history_read_only", False):
            return flatten_fieldsets(self.get_fieldsets(request, obj))
        return super().get_readonly_fields(request, obj)

    def revert_disabled(self, request, obj=None):
        return True


class TenantAdminMixin:
    """What every tenant-aware admin (and inline) shares."""

    def get_queryset(self, request):
        # The default manager already filters; asking for the tenant here makes
        # a screen opened without one fail loudly instead of showing nothing.
        require_current_tenant()
        return super().get_queryset(request)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        # Hostile input is a form error on every screen (opsplatform.admin.sane_input).
        return harden_formfield(
            db_field, super().formfield_for_dbfield(db_field, request, **kwargs)
        )


class ConfidentialFieldsMixin:
    """Leaves the model's confidential fields out of every path of a person who
    may not read them (see ``opsplatform.confidential``)."""

    def hidden_fields(self, request) -> set[str]:
        return confidential.hidden_fields(request.user, self.model)

    def _hides(self, request, path) -> bool:
        return confidential.path_is_hidden(request.user, self.model, path)

    def lookup_allowed(self, lookup, value, request):
        # Filtering by a value one may not read is reading it, one bisection
        # step at a time: refused outright (a 400), never answered.
        if self._hides(request, lookup):
            return False
        return super().lookup_allowed(lookup, value, request)

    def changelist_view(self, request, extra_context=None):
        try:
            return super().changelist_view(request, extra_context)
        except DisallowedModelAdminLookup:
            return refusal(request, self, _("This list cannot be filtered that way."))

    def get_list_display(self, request):
        return [
            item
            for item in super().get_list_display(request)
            if not self._column_hidden(request, item)
        ]

    def _column_hidden(self, request, item) -> bool:
        if not isinstance(item, str):
            item = getattr(item, "__name__", "")
        if self._hides(request, item):
            return True
        attr = getattr(self, item, None) if item else None
        ordering = getattr(attr, "admin_order_field", None)
        return ordering is not None and self._hides(request, ordering)

    def get_sortable_by(self, request):
        return [
            item
            for item in super().get_sortable_by(request)
            if not self._column_hidden(request, item)
        ]

    def get_list_filter(self, request):
        kept = []
        for item in super().get_list_filter(request):
            name = item[0] if isinstance(item, list | tuple) else item
            if isinstance(name, str) and self._hides(request, name):
                continue
            kept.append(item)
        return kept

    def get_search_fields(self, request):
        return [
            name for name in super().get_search_fields(request) if not self._hides(request, name)
        ]

    def get_ordering(self, request):
        ordering = list(super().get_ordering(request) or self.model._meta.ordering or [])
        kept = [item for item in ordering if not self._hides(request, item)]
        if kept == ordering:
            return super().get_ordering(request)
        return kept or ["-pk"]

    def get_fieldsets(self, request, obj=None):
        hidden = self.hidden_fields(request)
        fieldsets = super().get_fieldsets(request, obj)
        if not hidden:
            return fieldsets
        kept = []
        for name, options in fieldsets:
            fields = []
            for row in options.get("fields", ()):
                if isinstance(row, list | tuple):
                    row = tuple(f for f in row if f not in hidden)
                    if row:
                        fields.append(row)
                elif row not in hidden:
                    fields.append(row)
            if fields:
                kept.append((name, {**options, "fields": fields}))
        return kept

    def get_readonly_fields(self, request, obj=None):
        hidden = self.hidden_fields(request)
        return [f for f in super().get_readonly_fields(request, obj) if f not in hidden]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        # Belt and braces: a form class that names the field itself still loses it.
        for name in self.hidden_fields(request):
            form.base_fields.pop(name, None)
        return form

    def get_export_resource_kwargs(self, request, **kwargs):
        kwargs = super().get_export_resource_kwargs(request, **kwargs)
        kwargs["viewer"] = request.user
        return kwargs

    def history_hidden_fields(self, request) -> set[str]:
        """Fields whose old and new values this person may not read in the history."""
        return self.hidden_fields(request)


def refusal(request, model_admin, message, status: int = 400):
    return TemplateResponse(
        request,
        "opsplatform/admin/refusal.html",
        {
            **model_admin.admin_site.each_context(request),
            "opts": model_admin.model._meta,
            "title": message,
            "message": message,
        },
        status=status,
    )


_PK_PLACEHOLDER = "__row_pk__"
_ROW_CHECKBOXES: dict[str, str] = {}


class TenantModelAdmin(
    TenantAdminMixin,
    ConfidentialFieldsMixin,
    ConfirmedActionsMixin,
    ReadOnlyHistoryMixin,
    SimpleHistoryAdmin,
    ImportExportModelAdmin,
    ModelAdmin,
):
    import_form_class = ImportForm
    export_form_class = ExportForm
    # Import is opt-in per screen (a resource with its own validation);
    # export of what the user can see is always available.
    import_enabled = False
    # HR and finance move data as CSV and Excel; other formats are noise.
    formats = [CSV, XLSX]
    show_full_result_count = False
    list_per_page = 50
    # unfold's row template asks for these on every row; missing, each miss makes
    # Django's template engine call dir() on the admin (a third of a list page's
    # template time at 50 rows). Expandable row sections are opt-in per screen.
    list_sections = ()
    # The same for the change form: unfold's template asks the admin for these.
    conditional_fields: dict = {}
    # Above the form: links installed modules add to this kind of record.
    change_form_outer_before_template = "opsplatform/admin/record_links.html"

    @display(description=ModelAdmin.action_checkbox.short_description)
    def action_checkbox(self, obj):
        # unfold renders the checkbox widget's template for every row (a tenth of
        # a 50-row list's time); the HTML differs only by the value, so render it
        # once per language and put each row's primary key in.
        html = _ROW_CHECKBOXES.get(get_language())
        if html is None:
            html = _ROW_CHECKBOXES[get_language()] = unfold_checkbox.render(
                helpers.ACTION_CHECKBOX_NAME, _PK_PLACEHOLDER
            )
        return mark_safe(html.replace(_PK_PLACEHOLDER, escape(str(obj.pk)), 1))

    # -- 404 for anything not in this tenant --------------------------------

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        raise Http404

    def _require_object_here(self, request, object_id) -> None:
        # Existence before permission: a foreign id is "not found" for everyone,
        # whatever their rights on this screen, so no answer differs by tenant.
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404
        # The view's own get_object (next) takes this one instead of a second query.
        request._checked_admin_object = (self.model, str(unquote(object_id)), obj)

    def get_object(self, request, object_id, from_field=None):
        checked = request.__dict__.pop("_checked_admin_object", None)
        if checked is not None and from_field is None:
            model, checked_id, obj = checked
            if model is self.model and checked_id == str(object_id):
                return obj
        return super().get_object(request, object_id, from_field)

    # -- the plan's limits (docs/billing.md, "Limits") ------------------------

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if obj is not None or not limits_consumed_by(self.model):
            return form
        return type(form.__name__, (WithinLimitsForm, form), {})

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except LimitReached as refused:
            # The form checked the limit; this is a create that another one beat
            # to the last place, or a row an inline adds. Rolled back already.
            return refusal(request, self, " ".join(refused.messages), status=409)

    def process_import(self, request, **kwargs):
        try:
            return super().process_import(request, **kwargs)
        except LimitReached as refused:
            return refusal(request, self, " ".join(refused.messages), status=409)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        self._require_object_here(request, object_id)
        obj = request._checked_admin_object[2]
        extra_context = {
            "record_links": self.record_links(request, obj),
            "record_links_label": _("Related pages"),
            **(extra_context or {}),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def record_links(self, request, obj) -> list[dict]:
        """What other modules link to from this record's page, for this person."""
        from opsplatform.contract.declarations import resolve
        from opsplatform.contract.registry import record_links

        shown = []
        for link in record_links(self.model._meta.label):
            if link.check is not None and not resolve(link.check)(request, obj):
                continue
            try:
                url = resolve(link.url)(obj)
            except NoReverseMatch:  # the page is not on this site
                continue
            if url:
                shown.append({"title": link.title, "icon": link.icon, "url": url})
        return shown

    def delete_view(self, request, object_id, extra_context=None):
        self._require_object_here(request, object_id)
        return super().delete_view(request, object_id, extra_context)

    # -- history: the person's own rows, read-only ---------------------------

    def get_history_queryset(self, request, history_manager, pk_name, object_id):
        tenant = require_current_tenant()
        queryset = super().get_history_queryset(request, history_manager, pk_name, object_id)
        return queryset.filter(tenant_id=tenant.pk)

    def _history_object(self, request, object_id):
        """The row whose history this person may read, or 404.

        A live row must be in the person's own (narrowed) list, exactly as its
        change page. A deleted row (gone from the whole company, with history
        here) is open to those who could have viewed and deleted its last
        version: no list is left to narrow it, so the object's own rules decide.
        """
        tenant = require_current_tenant()
        if not hasattr(self.model, "history"):
            # An append-only record (a ledger, a log) is its own history.
            raise Http404
        pk_name = self.model._meta.pk.attname
        object_id = unquote(object_id)
        live = self.get_queryset(request).filter(**{pk_name: object_id}).first()
        if live is not None:
            return live
        if self.model._default_manager.filter(**{pk_name: object_id}).exists():
            raise Http404  # in the company, outside this person's list
        last = (
            self.model.history.filter(**{pk_name: object_id}, tenant_id=tenant.pk)
            .order_by("-history_date", "-history_id")
            .first()
        )
        if last is None:
            raise Http404
        instance = last.instance
        if not (
            self.has_view_permission(request, instance)
            and self.has_delete_permission(request, instance)
        ):
            raise Http404
        return instance

    def history_view(self, request, object_id, extra_context=None):
        self._history_object(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """An old version, shown read-only. It never saves: restoring an old
        version is a change like any other and goes through the change form."""
        tenant = require_current_tenant()
        obj = self._history_object(request, object_id)
        pk_name = self.model._meta.pk.attname
        if not self.model.history.filter(
            **{pk_name: unquote(object_id)}, history_id=unquote(version_id), tenant_id=tenant.pk
        ).exists():
            raise Http404
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        hidden = self.history_hidden_fields(request)
        previous = None
        for current in historical_records:
            if previous is None:
                previous = current
                continue
            delta = previous.diff_against(
                current,
                excluded_fields=sorted(hidden) or None,
                foreign_keys_are_objs=foreign_keys_are_objs,
            )
            helper = self.get_historical_record_context_helper(request, previous)
            previous.history_delta_changes = helper.context_for_delta_changes(delta)
            previous = current

    # -- import / export ----------------------------------------------------

    def get_resource_classes(self, request):
        if self.resource_classes:
            return self.resource_classes
        return [tenant_resource_factory(self.model)]

    def has_import_permission(self, request):
        return self.import_enabled and self.has_add_permission(request)

    def has_export_permission(self, request):
        return self.has_view_permission(request)

    # -- permissions --------------------------------------------------------

    def has_module_permission(self, request):
        return any(
            check(request)
            for check in (
                self.has_view_permission,
                self.has_add_permission,
                self.has_change_permission,
            )
        )


class FlatInlineMixin:
    """unfold's inline templates ask each row's form for ``nested_formsets`` (its
    nested inlines, which we do not use), several times a row; missing, each
    miss makes the template engine call dir() on the form.

    And Django's ``empty_form`` (the hidden row "Add another" copies) is a
    property that builds a new form at each access: the change view and the
    templates read it seven times a page. Built once per formset, it is the same
    unbound form (an employee's page: about a tenth of its time).
    """

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form.nested_formsets = ()
        empty_form = inspect.getattr_static(formset, "empty_form")
        if isinstance(empty_form, property):
            formset = type(
                formset.__name__, (formset,), {"empty_form": cached_property(empty_form.fget)}
            )
        return formset


class TenantTabularInline(FlatInlineMixin, TenantAdminMixin, TabularInline):
    extra = 0


class TenantStackedInline(FlatInlineMixin, TenantAdminMixin, StackedInline):
    extra = 0


class LandlordModelAdmin(
    ConfirmedActionsMixin, ReadOnlyHistoryMixin, SimpleHistoryAdmin, ModelAdmin
):
    """Landlord screens: platform staff, global tables, Django's own permissions."""

    show_full_result_count = False

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        raise Http404

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except LimitReached as refused:
            # A company's own plan caps what is stored for it (its logo, say), even
            # when platform staff upload it; the save was rolled back.
            return refusal(request, self, " ".join(refused.messages), status=409)


__all__ = [
    "LandlordModelAdmin",
    "TenantModelAdmin",
    "TenantStackedInline",
    "TenantTabularInline",
    "admin",
]
