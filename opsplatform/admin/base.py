"""The admin base every tenant screen uses.

``TenantModelAdmin`` is unfold's ModelAdmin with history and import/export,
where everything (querysets, choices, autocomplete, filters, history, export)
is limited to the current tenant. Most of that follows from the fail-closed
default manager; what Django or a library reads around it is closed here:

- a missing or foreign id answers 404 on change, delete and history pages,
  never a redirect that tells "exists elsewhere" from "never existed";
- history rows are read through the tenant column, not only by object id;
- imports build resources that cannot name a tenant;
- permissions come from ``rules`` predicates (``<app>.<action>_<model>``).
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.http import Http404
from import_export.admin import ImportExportModelAdmin
from import_export.formats.base_formats import CSV, XLSX
from simple_history.admin import SimpleHistoryAdmin
from unfold.admin import ModelAdmin, StackedInline, TabularInline
from unfold.contrib.import_export.forms import ExportForm, ImportForm

from opsplatform.admin.resources import tenant_resource_factory
from opsplatform.admin.sane_input import harden_formfield
from opsplatform.tenancy.context import require_current_tenant


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


class TenantModelAdmin(TenantAdminMixin, SimpleHistoryAdmin, ImportExportModelAdmin, ModelAdmin):
    import_form_class = ImportForm
    export_form_class = ExportForm
    # Import is opt-in per screen (a resource with its own validation);
    # export of what the user can see is always available.
    import_enabled = False
    # HR and finance move data as CSV and Excel; other formats are noise.
    formats = [CSV, XLSX]
    show_full_result_count = False
    list_per_page = 50

    # -- 404 for anything not in this tenant --------------------------------

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        raise Http404

    def _require_object_here(self, request, object_id) -> None:
        # Existence before permission: a foreign id is "not found" for everyone,
        # whatever their rights on this screen, so no answer differs by tenant.
        if self.get_object(request, unquote(object_id)) is None:
            raise Http404

    def change_view(self, request, object_id, form_url="", extra_context=None):
        self._require_object_here(request, object_id)
        return super().change_view(request, object_id, form_url, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        self._require_object_here(request, object_id)
        return super().delete_view(request, object_id, extra_context)

    def get_history_queryset(self, request, history_manager, pk_name, object_id):
        tenant = require_current_tenant()
        queryset = super().get_history_queryset(request, history_manager, pk_name, object_id)
        return queryset.filter(tenant_id=tenant.pk)

    def history_view(self, request, object_id, extra_context=None):
        # simple-history falls back to the newest historical row when the
        # object is gone; that row must also be this tenant's, so only
        # objects visible here (or deleted from here) have a history page.
        tenant = require_current_tenant()
        pk_name = self.model._meta.pk.attname
        object_id_value = unquote(object_id)
        exists_here = self.get_queryset(request).filter(**{pk_name: object_id_value}).exists()
        if not exists_here:
            history = self.model.history.filter(**{pk_name: object_id_value}, tenant_id=tenant.pk)
            if not history.exists():
                raise Http404
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        tenant = require_current_tenant()
        pk_name = self.model._meta.pk.attname
        if not self.model.history.filter(
            **{pk_name: unquote(object_id)}, history_id=unquote(version_id), tenant_id=tenant.pk
        ).exists():
            raise Http404
        return super().history_form_view(request, object_id, version_id, extra_context)

    def history_hidden_fields(self, request) -> set[str]:
        """Fields whose old and new values this person may not read in the history."""
        return set()

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


class TenantTabularInline(TenantAdminMixin, TabularInline):
    extra = 0


class TenantStackedInline(TenantAdminMixin, StackedInline):
    extra = 0


class LandlordModelAdmin(SimpleHistoryAdmin, ModelAdmin):
    """Landlord screens: platform staff, global tables, Django's own permissions."""

    show_full_result_count = False

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        raise Http404


__all__ = [
    "LandlordModelAdmin",
    "TenantModelAdmin",
    "TenantStackedInline",
    "TenantTabularInline",
    "admin",
]
