""" "Revalue" and "Dispose" on an asset's page: each a form of its own, that writes
on its POST only, through services/depreciation.py (permission
assets.post_depreciation)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from unfold.decorators import action
from unfold.widgets import (
    UnfoldAdminDecimalFieldWidget,
    UnfoldAdminSelectWidget,
    UnfoldAdminSingleDateWidget,
    UnfoldAdminTextInputWidget,
)

from modules.assets.admin.schedule import depreciation_schedule
from modules.assets.models import DisposalKind
from modules.assets.selectors.depreciation import book_value
from modules.assets.services.depreciation import dispose, revalue
from opsplatform.admin.actions import renders_on_get
from opsplatform.admin.pages import AdminPage
from opsplatform.refusals import Refused, show_refusal

PERMISSION = "assets.post_depreciation"


class RevalueForm(forms.Form):
    new_value = forms.DecimalField(
        label=_("New book value"),
        max_digits=14,
        decimal_places=2,
        min_value=0,
        widget=UnfoldAdminDecimalFieldWidget,
    )
    on = forms.DateField(label=_("On"), widget=UnfoldAdminSingleDateWidget)
    reason = forms.CharField(label=_("Reason"), max_length=255, widget=UnfoldAdminTextInputWidget)


class DisposeForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Disposal"), choices=DisposalKind.choices, widget=UnfoldAdminSelectWidget
    )
    on = forms.DateField(label=_("On"), widget=UnfoldAdminSingleDateWidget)
    proceeds = forms.DecimalField(
        label=_("Proceeds"),
        max_digits=14,
        decimal_places=2,
        min_value=0,
        required=False,
        help_text=_("What it was sold for; empty for nothing."),
        widget=UnfoldAdminDecimalFieldWidget,
    )
    reason = forms.CharField(label=_("Reason"), max_length=255, widget=UnfoldAdminTextInputWidget)


class _AssetActionPage(AdminPage):
    permission_required = PERMISSION
    template_name = "assets/depreciation_action.html"
    form_class = forms.Form
    submit = ""
    explanation = ""

    def dispatch(self, request, *args, object_id, **kwargs):
        if not self.has_permission():
            return self.handle_no_permission()
        self.asset = self.model_admin.get_object(request, object_id)
        if self.asset is None:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def back(self) -> str:
        return reverse("admin:assets_asset_change", args=[self.asset.pk])

    def show(self, form):
        return self.render(
            form=form,
            asset=self.asset,
            book_value=book_value(self.asset),
            submit=self.submit,
            explanation=self.explanation,
            back=self.back(),
        )

    def get(self, request):
        return self.show(self.form_class(initial={"on": timezone.localdate()}))

    def post(self, request):
        form = self.form_class(request.POST)
        if not form.is_valid():
            return self.show(form)
        try:
            message = self.write(form.cleaned_data, request.user)
        except Refused as refusal:
            show_refusal(request, refusal, form=form)
            return self.show(form)
        messages.success(request, message)
        return HttpResponseRedirect(self.back())


class RevaluePage(_AssetActionPage):
    form_class = RevalueForm
    submit = _("Revalue")
    explanation = _(
        "The months up to the day are posted first; depreciation then goes on "
        "from the new value over the months of its useful life that are left."
    )

    def get_title(self) -> str:
        return _("Revalue %(asset)s") % {"asset": self.asset}

    def write(self, data, user) -> str:
        entry = revalue(
            asset=self.asset,
            new_value=data["new_value"],
            on=data["on"],
            reason=data["reason"],
            by=user,
        )
        return _("%(asset)s is now worth %(value)s.") % {
            "asset": self.asset.tag,
            "value": entry.book_value,
        }


class DisposePage(_AssetActionPage):
    form_class = DisposeForm
    submit = _("Dispose")
    explanation = _(
        "The months up to the day are posted first; the book value then goes to "
        "zero, and the proceeds less that book value are the gain (or the loss)."
    )

    def get_title(self) -> str:
        return _("Dispose of %(asset)s") % {"asset": self.asset}

    def write(self, data, user) -> str:
        dispose(
            asset=self.asset,
            kind=data["kind"],
            on=data["on"],
            proceeds=data["proceeds"],
            reason=data["reason"],
            by=user,
        )
        self.asset.refresh_from_db()
        return _("%(asset)s is disposed of: gain or loss %(gain)s.") % {
            "asset": self.asset.tag,
            "gain": self.asset.disposal_gain,
        }


class DepreciationActions:
    """Mixed into AssetAdmin: the schedule field and the two detail actions."""

    depreciation_schedule = depreciation_schedule

    def has_post_depreciation_permission(self, request, object_id=None):
        return request.user.has_perm(PERMISSION)

    @renders_on_get  # GET shows the form; only its POST revalues
    @action(description=_("Revalue"), url_path="revalue", permissions=["post_depreciation"])
    def revalue_asset(self, request, object_id):
        return RevaluePage.as_view(model_admin=self)(request, object_id=object_id)

    @renders_on_get  # GET shows the form; only its POST disposes
    @action(description=_("Dispose"), url_path="dispose", permissions=["post_depreciation"])
    def dispose_asset(self, request, object_id):
        return DisposePage.as_view(model_admin=self)(request, object_id=object_id)
