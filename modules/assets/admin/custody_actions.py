"""Assign, Return and Transfer on an asset's page.

Each is a detail action of the asset admin (``CustodyActions``, mixed into
``AssetAdmin``) whose GET shows a form page and whose POST alone writes, through
services/custody.py. The buttons show only when the asset's status allows the
move (in stock: assign; assigned: return or transfer). A form posted after the
status changed (someone else was quicker) reaches the service, which refuses it
with a message and changes nothing.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from unfold.decorators import action
from unfold.widgets import UnfoldAdminSingleDateWidget, UnfoldAdminTextareaWidget

from modules.assets.models import AssetStatus, Assignment
from modules.assets.services import custody
from modules.employees.models import Department, Employee
from opsplatform.admin import tenant_site
from opsplatform.admin.actions import renders_on_get
from opsplatform.admin.autocomplete import open_choice_search
from opsplatform.admin.pages import AdminPage
from opsplatform.refusals import show_refusal

PERMISSION = "assets.manage_custody"

# Whoever records custody searches the company's people and departments, the
# people who have left excluded (the service refuses them anyway).
open_choice_search(
    Assignment, "employee", permission=PERMISSION, only=~Q(status=Employee.Status.TERMINATED)
)
open_choice_search(Assignment, "department", permission=PERMISSION)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Any number of photos; each is checked by the asset file's own field on save."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class ConditionForm(forms.Form):
    condition = forms.CharField(
        label=_("Condition"),
        max_length=custody.CONDITION_LIMIT,
        required=False,
        widget=UnfoldAdminTextareaWidget(attrs={"rows": 3}),
    )
    photos = PhotosField(
        label=_("Photos"), required=False, help_text=_("Photos or documents, up to 10 MB each.")
    )


class HolderForm(ConditionForm):
    employee = forms.ModelChoiceField(
        label=_("Employee"),
        required=False,
        queryset=Employee.all_tenants.none(),  # set per request in __init__
        # Search as you type: a select of everyone is 10,000 options in a big company.
        widget=AutocompleteSelect(Assignment._meta.get_field("employee"), tenant_site),
    )
    department = forms.ModelChoiceField(
        label=_("Or a department"),
        required=False,
        queryset=Department.all_tenants.none(),
        widget=AutocompleteSelect(Assignment._meta.get_field("department"), tenant_site),
    )
    expected_return = forms.DateField(
        label=_("Expected return"),
        required=False,
        help_text=_("Empty: no date agreed."),
        widget=UnfoldAdminSingleDateWidget,
    )
    field_order = ["employee", "department", "expected_return", "condition", "photos"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The current company's only: another company's id is "not a valid choice".
        self.fields["employee"].queryset = Employee.objects.all()
        self.fields["department"].queryset = Department.objects.all()

    def clean(self):
        data = super().clean()
        if bool(data.get("employee")) == bool(data.get("department")) and not self.errors:
            raise ValidationError(_("Choose an employee or a department, not both."))
        return data


class CustodyPage(AdminPage):
    """Shared by the three actions: the asset, who holds it now, and the form."""

    permission_required = PERMISSION
    template_name = "assets/custody_action.html"
    form_class: type[forms.Form] = ConditionForm
    heading = ""
    button = ""
    done = ""

    def get_title(self) -> str:
        return self.heading % {"asset": self.asset}

    def dispatch(self, request, *args, object_id, **kwargs):
        if not self.has_permission():
            return self.handle_no_permission()
        self.asset = self.model_admin.get_object(request, object_id)
        if self.asset is None:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return self._page(self.form_class())

    def post(self, request):
        form = self.form_class(request.POST, request.FILES)
        if not form.is_valid():
            return self._page(form)
        try:
            assignment = self.write(form.cleaned_data)
        except ValidationError as refusal:
            show_refusal(request, refusal, form=form)
            return self._page(form)
        messages.success(request, self.done % {"asset": self.asset, "holder": assignment.holder})
        return HttpResponseRedirect(reverse("admin:assets_asset_change", args=[self.asset.pk]))

    def write(self, data):
        raise NotImplementedError

    def _page(self, form):
        current = (
            Assignment.objects.select_related("employee", "department")
            .filter(asset=self.asset, returned_at__isnull=True)
            .first()
        )
        return self.render(asset=self.asset, current=current, form=form, button=self.button)


class AssignPage(CustodyPage):
    form_class = HolderForm
    heading = _("Assign %(asset)s")
    button = _("Assign")
    done = _("%(asset)s is assigned to %(holder)s.")
    # Assign and transfer take the same form and differ only in the service.
    service = staticmethod(custody.assign)

    def write(self, data):
        return self.service(
            self.asset,
            employee=data["employee"],
            department=data["department"],
            expected_return=data["expected_return"],
            condition=data["condition"],
            photos=data["photos"],
            by=self.request.user,
        )


class ReturnPage(CustodyPage):
    heading = _("Return %(asset)s")
    button = _("Record the return")
    done = _("%(asset)s is back from %(holder)s.")

    def write(self, data):
        return custody.return_asset(
            self.asset, condition=data["condition"], photos=data["photos"], by=self.request.user
        )


class TransferPage(AssignPage):
    heading = _("Transfer %(asset)s")
    button = _("Transfer")
    done = _("%(asset)s is transferred to %(holder)s.")
    service = staticmethod(custody.transfer)


class CustodyActions:
    """Mixed into ``AssetAdmin``: the three actions and when each shows."""

    def _custody_status(self, request, object_id) -> str | None:
        # The three buttons ask about the same asset: one query per page.
        cache = request.__dict__.setdefault("_asset_custody_status", {})
        if object_id not in cache:
            try:
                row = self.get_queryset(request).filter(pk=object_id).values_list("status")
                cache[object_id] = next(iter(row), (None,))[0]
            except (ValueError, ValidationError):
                cache[object_id] = None
        return cache[object_id]

    def _may_move(self, request, object_id, *statuses) -> bool:
        if not request.user.has_perm(PERMISSION):
            return False
        # A POST goes on to the service, which refuses a move gone stale with a
        # message; the status decides which buttons and forms are shown.
        if object_id is None or request.method == "POST":
            return True
        return self._custody_status(request, object_id) in statuses

    def has_custody_assign_permission(self, request, object_id=None):
        return self._may_move(request, object_id, AssetStatus.IN_STOCK)

    def has_custody_return_permission(self, request, object_id=None):
        return self._may_move(request, object_id, AssetStatus.ASSIGNED)

    has_custody_transfer_permission = has_custody_return_permission

    @renders_on_get  # GET shows the form; only its POST assigns
    @action(
        description=_("Assign"),
        url_path="assign",
        icon="person_add",
        permissions=["custody_assign"],
    )
    def custody_assign(self, request, object_id):
        return AssignPage.as_view(model_admin=self)(request, object_id=object_id)

    @renders_on_get  # GET shows the form; only its POST records the return
    @action(
        description=_("Return"),
        url_path="return",
        icon="assignment_return",
        permissions=["custody_return"],
    )
    def custody_return(self, request, object_id):
        return ReturnPage.as_view(model_admin=self)(request, object_id=object_id)

    @renders_on_get  # GET shows the form; only its POST transfers
    @action(
        description=_("Transfer"),
        url_path="transfer",
        icon="swap_horiz",
        permissions=["custody_transfer"],
    )
    def custody_transfer(self, request, object_id):
        return TransferPage.as_view(model_admin=self)(request, object_id=object_id)


CUSTODY_ACTIONS = ["custody_assign", "custody_return", "custody_transfer"]

__all__ = ["CUSTODY_ACTIONS", "CustodyActions"]
