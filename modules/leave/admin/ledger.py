"""HR's balance ledger: every entry, read-only, filtered by type, kind, department
and date; "Adjust a balance" (a page of its own) and "Reverse" (an entry's action)
write new entries through services/adjustments.py. Nobody adds, edits or deletes
an entry here: the ledger is append-only (on PostgreSQL the database refuses too)."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from unfold.contrib.filters.admin import (
    ChoicesDropdownFilter,
    RangeDateFilter,
    RelatedDropdownFilter,
)
from unfold.decorators import action, display
from unfold.widgets import (
    UnfoldAdminDecimalFieldWidget,
    UnfoldAdminSelectWidget,
    UnfoldAdminSingleDateWidget,
    UnfoldAdminTextInputWidget,
)

from modules.employees.models import Employee
from modules.leave.models import LeaveType, LedgerEntry
from modules.leave.services.adjustments import balance_adjust, ledger_entry_reverse
from opsplatform.admin import TenantModelAdmin, tenant_site
from opsplatform.admin.actions import renders_on_get
from opsplatform.admin.pages import AdminPage
from opsplatform.refusals import show_refusal


@admin.register(LedgerEntry, site=tenant_site)
class LedgerEntryAdmin(TenantModelAdmin):
    list_display = [
        "effective_on",
        "employee",
        "leave_type",
        "kind",
        "signed_amount",
        "expires_on",
        "reason",
        "created_by",
    ]
    list_select_related = ["employee", "leave_type", "created_by"]
    list_filter = [
        ("leave_type", RelatedDropdownFilter),
        ("kind", ChoicesDropdownFilter),
        ("employee__department", RelatedDropdownFilter),
        ("effective_on", RangeDateFilter),
    ]
    list_filter_submit = True
    search_fields = ["employee__first_name", "employee__last_name", "employee__employee_number"]
    ordering = ["-effective_on", "-pk"]
    readonly_fields = [
        "employee",
        "leave_type",
        "kind",
        "amount",
        "effective_on",
        "expires_on",
        "request",
        "reverses",
        "key",
        "reason",
        "created_by",
        "created_at",
    ]
    fields = readonly_fields
    actions_list = ["adjust_balance"]
    actions_detail = ["reverse_entry"]

    @display(description=_("amount"))
    def signed_amount(self, obj):
        return f"+{obj.amount}" if obj.amount > 0 else str(obj.amount)

    # Entries are written by services only (adjustments, reversals, the daily run).
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def history_view(self, request, object_id, extra_context=None):
        raise Http404  # the ledger is its own history: it has no history table

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        raise Http404

    def has_adjust_balance_permission(self, request, object_id=None):
        return request.user.has_perm("leave.adjust_balance")

    has_reverse_entry_permission = has_adjust_balance_permission

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path(
                "adjust/",
                wrap(AdjustBalancePage.as_view(model_admin=self)),
                name="leave_ledgerentry_adjust",
            ),
        ] + super().get_urls()

    @renders_on_get  # a link to the adjustment page, which writes on its own POST
    @action(description=_("Adjust a balance"), icon="tune", permissions=["adjust_balance"])
    def adjust_balance(self, request):
        return HttpResponseRedirect(reverse("admin:leave_ledgerentry_adjust"))

    @renders_on_get  # GET shows the reason form; only its POST reverses
    @action(description=_("Reverse"), url_path="reverse", permissions=["reverse_entry"])
    def reverse_entry(self, request, object_id):
        return ReverseEntryPage.as_view(model_admin=self)(request, object_id=object_id)


class AdjustForm(forms.Form):
    employee = forms.ModelChoiceField(
        label=_("Employee"),
        queryset=Employee.all_tenants.none(),  # set per request in __init__
        # Search as you type: a select of everyone is 10,000 options in a big company.
        widget=AutocompleteSelect(LedgerEntry._meta.get_field("employee"), tenant_site),
    )
    leave_type = forms.ModelChoiceField(
        label=_("Leave type"), queryset=LeaveType.all_tenants.none(), widget=UnfoldAdminSelectWidget
    )
    amount = forms.DecimalField(
        label=_("Amount"),
        max_digits=9,
        decimal_places=2,
        help_text=_("In the type's unit: positive adds to the balance, negative takes from it."),
        widget=UnfoldAdminDecimalFieldWidget,
    )
    effective_on = forms.DateField(
        label=_("Counts from"),
        required=False,
        help_text=_("Empty: today."),
        widget=UnfoldAdminSingleDateWidget,
    )
    reason = forms.CharField(label=_("Reason"), max_length=255, widget=UnfoldAdminTextInputWidget)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employee"].queryset = Employee.objects.order_by("last_name", "first_name")
        self.fields["leave_type"].queryset = LeaveType.objects.filter(tracks_balance=True)


class AdjustBalancePage(AdminPage):
    permission_required = "leave.adjust_balance"
    template_name = "leave/adjust_balance.html"
    title = _("Adjust a balance")

    def get(self, request):
        return self.render(form=AdjustForm())

    def post(self, request):
        form = AdjustForm(request.POST)
        if not form.is_valid():
            return self.render(form=form)
        data = form.cleaned_data
        try:
            entry = balance_adjust(
                employee=data["employee"],
                leave_type=data["leave_type"],
                amount=data["amount"],
                reason=data["reason"],
                effective_on=data["effective_on"],
                user=request.user,
            )
        except ValidationError as refusal:
            show_refusal(request, refusal, form=form)
            return self.render(form=form)
        messages.success(
            request,
            _("%(name)s's %(type)s balance was adjusted by %(amount)s.")
            % {"name": entry.employee.full_name, "type": entry.leave_type, "amount": entry.amount},
        )
        return HttpResponseRedirect(reverse("admin:leave_ledgerentry_changelist"))


class ReverseForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=255, widget=UnfoldAdminTextInputWidget)


class ReverseEntryPage(AdminPage):
    """Mounted by the ledger's Reverse action (``LedgerEntryAdmin.reverse_entry``)."""

    permission_required = "leave.adjust_balance"
    template_name = "leave/reverse_entry.html"

    def get_title(self) -> str:
        return _("Reverse %(entry)s") % {"entry": self.entry}

    def dispatch(self, request, *args, object_id, **kwargs):
        if not self.has_permission():
            return self.handle_no_permission()
        self.entry = self.model_admin.get_object(request, object_id)
        if self.entry is None:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return self.render(entry=self.entry, form=ReverseForm())

    def post(self, request):
        form = ReverseForm(request.POST)
        if not form.is_valid():
            return self.render(entry=self.entry, form=form)
        try:
            ledger_entry_reverse(
                entry=self.entry, reason=form.cleaned_data["reason"], user=request.user
            )
        except ValidationError as refusal:
            show_refusal(request, refusal, form=form)
            return self.render(entry=self.entry, form=form)
        messages.success(request, _("The entry was reversed."))
        return HttpResponseRedirect(reverse("admin:leave_ledgerentry_changelist"))
