"""The work order page's actions: start (into repair), finish (back in service, with
the cost and what was done) and cancel. Each writes on POST only: start and cancel
behind the confirmation page (opsplatform/admin/actions.py), finish on its own
form; a refusal comes back as a message and changes nothing."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from unfold.widgets import UnfoldAdminDecimalFieldWidget, UnfoldAdminTextareaWidget

from modules.assets.models import WorkOrder
from modules.assets.services.maintenance import (
    cancel_work_order,
    finish_work_order,
    start_work_order,
)
from opsplatform.admin.pages import AdminPage
from opsplatform.refusals import show_refusal


def _back(order) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("admin:assets_workorder_change", args=[order.pk]))


def _get(model_admin, request, object_id) -> WorkOrder:
    order = model_admin.get_object(request, object_id)
    if order is None:
        raise Http404
    return order


def start_view(model_admin, request, object_id):
    order = _get(model_admin, request, object_id)
    try:
        order = start_work_order(order, by=request.user)
    except ValidationError as refusal:
        show_refusal(request, refusal)
    else:
        messages.success(request, _("%(asset)s is in repair.") % {"asset": order.asset.tag})
    return _back(order)


def cancel_view(model_admin, request, object_id):
    order = _get(model_admin, request, object_id)
    try:
        cancel_work_order(order, by=request.user)
    except ValidationError as refusal:
        show_refusal(request, refusal)
    else:
        messages.success(request, _("The work order was cancelled."))
    return _back(order)


class FinishForm(forms.Form):
    cost = forms.DecimalField(
        label=_("Cost"),
        max_digits=14,
        decimal_places=2,
        min_value=0,
        required=False,
        help_text=_("In the company's currency; empty if there was none."),
        widget=UnfoldAdminDecimalFieldWidget,
    )
    resolution = forms.CharField(
        label=_("What was done"),
        required=False,
        widget=UnfoldAdminTextareaWidget(attrs={"rows": 4}),
    )


class FinishWorkOrderPage(AdminPage):
    """Mounted by the work order's Finish action (``WorkOrderAdmin.finish``)."""

    permission_required = "assets.manage_maintenance"
    template_name = "assets/finish_work_order.html"

    def get_title(self) -> str:
        return _("Finish %(order)s") % {"order": self.order}

    def dispatch(self, request, *args, object_id, **kwargs):
        if not self.has_permission():
            return self.handle_no_permission()
        self.order = _get(self.model_admin, request, object_id)
        if self.order.status != WorkOrder.Status.IN_PROGRESS:
            # Refused before any form: the same message the service gives.
            messages.error(
                request,
                _("This work order is %(status)s: only one in repair can finish.")
                % {"status": self.order.get_status_display().lower()},
            )
            return _back(self.order)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return self.render(order=self.order, form=FinishForm(initial={"cost": self.order.cost}))

    def post(self, request):
        form = FinishForm(request.POST)
        if not form.is_valid():
            return self.render(order=self.order, form=form)
        try:
            order = finish_work_order(
                self.order,
                cost=form.cleaned_data["cost"],
                resolution=form.cleaned_data["resolution"],
                by=request.user,
            )
        except ValidationError as refusal:
            show_refusal(request, refusal, form=form)
            return self.render(order=self.order, form=form)
        messages.success(request, _("%(asset)s is back in service.") % {"asset": order.asset.tag})
        return _back(order)
