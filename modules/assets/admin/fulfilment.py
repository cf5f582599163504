"""The fulfilment queue: approved asset requests waiting for an asset, oldest first,
and the page that fulfils one (an asset in stock, or the purchased one registered
and handed out in the same step). Both write through services/fulfilment.py.

Mounted by the register's admin (``AssetAdmin.get_urls``); only whoever may
fulfil asset requests (finance, owners, the CEO) reaches them: anyone else gets
a 403, and a request of another company is a 404.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from unfold.widgets import (
    UnfoldAdminDecimalFieldWidget,
    UnfoldAdminSelectWidget,
    UnfoldAdminSingleDateWidget,
    UnfoldAdminTextInputWidget,
)

from modules.assets.models import Asset, AssetCategory, AssetRequest, Supplier
from modules.assets.services import fulfilment
from modules.employees.models import WorkLocation
from opsplatform.admin.pages import AdminPage
from opsplatform.refusals import show_refusal

PERMISSION = "assets.fulfil_asset_requests"


def queue_badge(request):
    """Sidebar badge: requests waiting for an asset (one indexed count; None hides it)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.has_perm(PERMISSION):
        return None
    return fulfilment.waiting_count() or None


class HandoverFields(forms.Form):
    expected_return = forms.DateField(
        label=_("Expected return"), required=False, widget=UnfoldAdminSingleDateWidget
    )
    condition = forms.CharField(
        label=_("Condition at handover"),
        max_length=500,
        required=False,
        widget=UnfoldAdminTextInputWidget,
    )


class StockForm(HandoverFields):
    asset = forms.ModelChoiceField(
        label=_("Asset in stock"), queryset=Asset.all_tenants.none(), widget=UnfoldAdminSelectWidget
    )
    field_order = ["asset", "expected_return", "condition"]

    def __init__(self, *args, category_name: str = "", **kwargs):
        super().__init__(*args, prefix="stock", **kwargs)
        self.fields["asset"].queryset = fulfilment.in_stock(category_name)


class PurchaseForm(HandoverFields):
    name = forms.CharField(label=_("Name"), max_length=160, widget=UnfoldAdminTextInputWidget)
    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=AssetCategory.all_tenants.none(),
        widget=UnfoldAdminSelectWidget,
    )
    tag = forms.CharField(
        label=_("Asset tag"),
        max_length=32,
        required=False,
        help_text=_("Left empty, the next tag of the category is given (LAP-00012)."),
        widget=UnfoldAdminTextInputWidget,
    )
    serial_number = forms.CharField(
        label=_("Serial number"), max_length=120, required=False, widget=UnfoldAdminTextInputWidget
    )
    supplier = forms.ModelChoiceField(
        label=_("Supplier"),
        queryset=Supplier.all_tenants.none(),
        required=False,
        widget=UnfoldAdminSelectWidget,
    )
    purchase_date = forms.DateField(label=_("Purchase date"), widget=UnfoldAdminSingleDateWidget)
    purchase_cost = forms.DecimalField(
        label=_("Purchase cost"),
        max_digits=14,
        decimal_places=2,
        min_value=0,
        widget=UnfoldAdminDecimalFieldWidget,
    )
    warranty_end = forms.DateField(
        label=_("Warranty ends"), required=False, widget=UnfoldAdminSingleDateWidget
    )
    location = forms.ModelChoiceField(
        label=_("Location"),
        queryset=WorkLocation.all_tenants.none(),
        required=False,
        widget=UnfoldAdminSelectWidget,
    )
    field_order = [
        "name",
        "category",
        "tag",
        "serial_number",
        "supplier",
        "purchase_date",
        "purchase_cost",
        "warranty_end",
        "location",
        "expected_return",
        "condition",
    ]

    def __init__(self, *args, category_name: str = "", **kwargs):
        super().__init__(*args, prefix="buy", **kwargs)
        self.fields["category"].queryset = AssetCategory.objects.order_by("name")
        self.fields["supplier"].queryset = Supplier.objects.order_by("name")
        self.fields["location"].queryset = WorkLocation.objects.order_by("name")
        named = AssetCategory.objects.filter(name__iexact=category_name.strip()).first()
        if named is not None and not self.is_bound:
            self.initial["category"] = named.pk

    def new_asset(self) -> Asset:
        data = self.cleaned_data
        return Asset(
            tag=data["tag"],
            name=data["name"],
            serial_number=data["serial_number"],
            category=data["category"],
            supplier=data["supplier"],
            purchase_date=data["purchase_date"],
            purchase_cost=data["purchase_cost"],
            warranty_end=data["warranty_end"],
            location=data["location"],
        )


class FulfilmentQueuePage(AdminPage):
    permission_required = PERMISSION
    template_name = "assets/fulfilment_queue.html"
    title = _("Fulfilment queue")

    def get(self, request):
        return self.render(waiting=list(fulfilment.waiting()))


class FulfilPage(AdminPage):
    """One request: its details, and the two ways to fulfil it (each its own form)."""

    permission_required = PERMISSION
    template_name = "assets/fulfil_request.html"

    def get_title(self) -> str:
        return _("Fulfil %(reference)s") % {"reference": self.subject.approval.reference}

    def dispatch(self, request, *args, approval_id, **kwargs):
        if not self.has_permission():
            return self.handle_no_permission()
        # The tenant's manager: another company's request is simply not found.
        self.subject = (
            AssetRequest.objects.select_related("approval", "approval__requester", "fulfilled_by")
            .filter(approval_id=approval_id)
            .first()
        )
        if self.subject is None or self.subject.awaiting_since is None:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def _forms(self, data=None, which=""):
        name = self.subject.asset_category
        return (
            StockForm(data if which == "stock" else None, category_name=name),
            PurchaseForm(data if which == "buy" else None, category_name=name),
        )

    def _page(self, stock, buy):
        return self.render(
            subject=self.subject,
            approval=self.subject.approval,
            stock_form=stock,
            buy_form=buy,
            queue_url=reverse("admin:assets_fulfilment_queue"),
        )

    def get(self, request):
        if self.subject.fulfilled_at is not None:
            return self._fulfilled_already()
        return self._page(*self._forms())

    def post(self, request):
        which = request.POST.get("choice", "")
        if which not in ("stock", "buy"):
            raise Http404
        stock, buy = self._forms(request.POST, which)
        form = stock if which == "stock" else buy
        if not form.is_valid():
            return self._page(stock, buy)
        handover = {
            "expected_return": form.cleaned_data["expected_return"],
            "condition": form.cleaned_data["condition"],
        }
        try:
            if which == "stock":
                assignment = fulfilment.fulfil_from_stock(
                    request_id=self.subject.pk,
                    asset=form.cleaned_data["asset"],
                    by=request.user,
                    **handover,
                )
            else:
                assignment = fulfilment.fulfil_by_purchase(
                    request_id=self.subject.pk, asset=form.new_asset(), by=request.user, **handover
                )
        except ValidationError as refusal:
            if self._is_fulfilled():
                return self._fulfilled_already(refusal)
            show_refusal(request, refusal, form=form)
            return self._page(stock, buy)
        messages.success(
            request,
            _("%(reference)s is fulfilled: %(asset)s was handed to %(holder)s.")
            % {
                "reference": self.subject.approval.reference,
                "asset": assignment.asset,
                "holder": assignment.holder,
            },
        )
        return HttpResponseRedirect(reverse("admin:assets_fulfilment_queue"))

    def _is_fulfilled(self) -> bool:
        self.subject.refresh_from_db(fields=["fulfilled_at", "fulfilled_by"])
        return self.subject.fulfilled_at is not None

    def _fulfilled_already(self, refusal=None):
        if refusal is not None:
            show_refusal(request=self.request, error=refusal)
        else:
            who = self.subject.fulfilled_by
            messages.info(
                self.request,
                _("Already fulfilled by %(name)s.") % {"name": who.get_full_name() if who else "—"},
            )
        return HttpResponseRedirect(reverse("admin:assets_fulfilment_queue"))


def fulfilment_urls(model_admin) -> list:
    wrap = model_admin.admin_site.admin_view
    return [
        path(
            "fulfilment/",
            wrap(FulfilmentQueuePage.as_view(model_admin=model_admin)),
            name="assets_fulfilment_queue",
        ),
        path(
            "fulfilment/<int:approval_id>/",
            wrap(FulfilPage.as_view(model_admin=model_admin)),
            name="assets_fulfil_request",
        ),
    ]
