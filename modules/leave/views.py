"""The request-leave page and its live preview.

The page posts once to ``leave_request_submit`` (one transaction: the engine's
request is created and submitted, the ledger reserves the days). The preview
is a GET that changes nothing: what the dates cost, the balance left, who in
the team is off then and the route the request would take.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from modules.approvals.selectors import visible_requests
from modules.employees.models import Employee
from modules.employees.selectors import my_employee, visible_employees
from modules.leave.forms import RequestLeaveForm
from modules.leave.models import LeaveRequest, LeaveType
from modules.leave.selectors.requests import my_granted_leave, request_preview
from modules.leave.services.requests import leave_cancel_approved, leave_request_submit
from opsplatform.admin.pages import AdminPage
from opsplatform.redirects import redirect_next
from opsplatform.refusals import Refused, show_refusal
from tenants.models import Membership


def _others(user):
    """The people HR may request for (people with a login), or None for everyone else."""
    if not user.has_perm("leave.request_for_others"):
        return None
    return visible_employees(
        user, Employee.objects.filter(membership__status=Membership.Status.ACTIVE)
    ).order_by("first_name", "last_name")


class RequestLeaveView(AdminPage):
    permission_required = "leave.request_leave"
    title = gettext_lazy("Request leave")
    template_name = "leave/request_leave.html"
    upload_fields = {"document": "leave.LeaveRequest.document"}

    def get(self, request):
        return self._page(RequestLeaveForm(employees=_others(request.user)))

    def post(self, request):
        form = RequestLeaveForm(request.POST, request.FILES, employees=_others(request.user))
        if not form.is_valid():
            return self._page(form)
        data = form.cleaned_data
        try:
            approval = leave_request_submit(
                user=request.user,
                employee=data.get("employee"),
                leave_type=data["leave_type"],
                start_date=data["start_date"],
                end_date=data["end_date"],
                start_part=data["start_part"],
                end_part=data["end_part"],
                hours=data["hours"],
                reason=data["reason"],
                document=data["document"],
                confirm_blackout=data["confirm_blackout"],
            )
        except Refused as refusal:
            warning = refusal.code == "blackout_warning"
            if not warning:
                show_refusal(request, refusal, form=form)
            return self._page(form, warning=" ".join(refusal.messages) if warning else "")
        except ValidationError as error:
            # The rules the engine asks the kind before a submit, as field errors.
            for field, messages in error.message_dict.items():
                form.add_error(field if field in form.fields else None, messages)
            return self._page(form)
        return HttpResponseRedirect(
            reverse("admin:approvals_approvalrequest_change", args=[approval.pk])
        )

    def _page(self, form, warning: str = ""):
        return self.render(
            form=form,
            warning=warning,
            preview_url=reverse("admin:leave_request_preview"),
            my_leave=my_granted_leave(self.request.user),
        )


@require_POST
def cancel(request, model_admin, pk: int):
    """Cancel granted leave (the person before it starts, HR any time)."""
    found = LeaveRequest.objects.filter(pk=pk)
    if not request.user.has_perm("leave.cancel_any_leave"):
        # Everyone else reaches only the requests they may see: another's is a 404.
        found = found.filter(approval__in=visible_requests(request.user))
    subject = found.select_related("approval").first()
    if subject is None:
        raise Http404
    try:
        leave_cancel_approved(
            request=subject, user=request.user, reason=request.POST.get("reason", "")
        )
    except Refused as refusal:
        show_refusal(request, refusal)
    else:
        messages.success(
            request, _("%(reference)s cancelled.") % {"reference": subject.approval.reference}
        )
    return redirect_next(request, reverse("admin:leave_request_new"))


def preview(request, model_admin):
    """GET, as the person types: the request's cost, balance left, team off and route."""
    user = request.user
    if not user.has_perm("leave.request_leave"):
        raise Http404
    me = my_employee(user)
    employee = me
    wanted = request.GET.get("employee") or ""
    if wanted and (me is None or wanted != str(me.pk)):
        others = _others(user)
        if others is None or not wanted.isdigit():
            raise Http404  # someone else's preview: as if it did not exist
        employee = others.filter(pk=wanted).first()
        if employee is None:
            raise Http404
    leave_type = LeaveType.objects.filter(
        active=True, pk=_digits(request.GET.get("leave_type"))
    ).first()
    start = (
        parse_date(request.GET.get("start_date") or "")
        if _is_date(request.GET.get("start_date"))
        else None
    )
    end = (
        parse_date(request.GET.get("end_date") or "")
        if _is_date(request.GET.get("end_date"))
        else None
    )
    if employee is None or leave_type is None or start is None or end is None:
        return JsonResponse({"ready": False})
    parts = {value for value, _label in LeaveRequest.Part.choices}
    draft = LeaveRequest(
        employee=employee,
        leave_type=leave_type,
        start_date=start,
        end_date=end,
        start_part=request.GET.get("start_part")
        if request.GET.get("start_part") in parts
        else "full",
        end_part=request.GET.get("end_part") if request.GET.get("end_part") in parts else "full",
        hours=_hours(request.GET.get("hours")),
    )
    return JsonResponse(request_preview(draft, user=user))


def _digits(value) -> int | None:
    return int(value) if value and str(value).isdigit() else None


def _is_date(value) -> bool:
    try:
        return bool(value) and parse_date(value) is not None
    except ValueError:
        return False


def _hours(value):
    from decimal import Decimal, InvalidOperation

    try:
        hours = Decimal(value) if value else None
    except InvalidOperation:
        return None
    return hours if hours is None or Decimal("0") < hours <= Decimal("24") else None
