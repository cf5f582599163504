"""Adjusting the balances of a group at once: choose, see how many people, confirm."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from modules.leave.admin.data_forms import AdjustForm
from modules.leave.services.bulk_adjust import Group, bulk_adjust, bulk_adjust_count, signed
from opsplatform.admin.pages import AdminPage
from opsplatform.refusals import Refused, show_refusal


class BulkAdjustPage(AdminPage):
    permission_required = "leave.adjust_balances"
    title = gettext_lazy("Adjust balances")
    template_name = "leave/bulk_adjust.html"

    def get(self, request):
        return self.render(form=AdjustForm())

    def post(self, request):
        form = AdjustForm(request.POST)
        if not form.is_valid():
            return self.render(form=form)
        group = Group(**form.group_kwargs())
        data = form.cleaned_data
        if request.POST.get("action") != "confirm":
            try:
                count = bulk_adjust_count(group=group)
            except Refused as refusal:
                show_refusal(request, refusal, form=form)
                return self.render(form=form)
            return self.render(form=form, count=count, confirming=True)
        try:
            count = bulk_adjust(
                user=request.user,
                group=group,
                leave_type=data["leave_type"],
                amount=data["amount"],
                reason=data["reason"],
                token=data["token"],
                effective_on=data["effective_on"],
            )
        except Refused as refusal:
            show_refusal(request, refusal)
            return HttpResponseRedirect(request.path)
        messages.success(
            request,
            _("Adjusted the %(type)s balance of %(count)s people by %(amount)s.")
            % {
                "type": data["leave_type"].name,
                "count": number_format(count, force_grouping=True),
                "amount": signed(data["amount"]),
            },
        )
        return HttpResponseRedirect(request.path)
