"""A person's leave: each type's balance, the entries that make it (with running
totals), their requests, and the balance on a future date.

"My leave" is the page of the signed-in person; HR and managers open anyone's
they may see by id (``visibility.balance_person_for``: a hidden, missing or
foreign id is a 404). A constant number of queries whatever the ledger's length.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import cached_property

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from modules.employees.selectors import my_employee
from modules.leave.models import LeaveRequest, LeaveType
from modules.leave.selectors.balances import balances_of
from modules.leave.selectors.calendar import status_label
from modules.leave.selectors.explain import entries_with_running_totals, project_balance
from modules.leave.selectors.visibility import balance_person_for
from opsplatform.admin.pages import AdminPage

REQUESTS_SHOWN = 50
FURTHEST_PROJECTION = timedelta(days=3 * 366)


class FutureDateForm(forms.Form):
    on = forms.DateField(label=_("Balance on"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    def clean_on(self):
        on = self.cleaned_data["on"]
        if on <= self.today:
            raise forms.ValidationError(_("Choose a date after today."))
        if on > self.today + FURTHEST_PROJECTION:
            raise forms.ValidationError(_("Choose a date within the next three years."))
        return on


def _page_number(value) -> int:
    return int(value) if str(value).isdigit() and 0 < int(value) < 100_000 else 1


class BalancePage(AdminPage):
    template_name = "leave/balance.html"

    @cached_property
    def person(self):
        """Whose leave this page shows (None: a login without an employee record)."""
        raise NotImplementedError

    def get(self, request, **kwargs):
        employee = self.person
        today = timezone.localdate()
        totals = balances_of(employee) if employee else {}
        # Every active type, and retired ones that still hold a balance.
        types = list(LeaveType.objects.filter(Q(active=True) | Q(pk__in=list(totals))))
        chosen = _chosen_type(types, request.GET.get("type"))
        context = {"employee": employee, "today": today, "chosen": chosen}
        context["balances"] = [
            {"type": leave_type, "balance": totals.get(leave_type.pk, 0)}
            for leave_type in types
            if leave_type.tracks_balance or leave_type.pk in totals
        ]
        if employee is not None and chosen is not None:
            page = _page_number(request.GET.get("page", 1))
            entries, more = entries_with_running_totals(employee, chosen, page=page)
            context.update(entries=entries, more_entries=more, page=page)
            form = FutureDateForm(request.GET if "on" in request.GET else None, today=today)
            if form.is_valid():
                context["projection"] = project_balance(
                    employee, chosen, today=today, on=form.cleaned_data["on"]
                )
            context["form"] = form
        if employee is not None:
            requests = list(
                LeaveRequest.objects.filter(employee=employee)
                .select_related("leave_type", "approval")
                .order_by("-start_date", "-pk")[:REQUESTS_SHOWN]
            )
            for leave in requests:
                leave.status_text = status_label(leave)
            context["requests"] = requests
        return self.render(**context)


def _chosen_type(types: list[LeaveType], wanted) -> LeaveType | None:
    for leave_type in types:
        if str(leave_type.pk) == wanted:
            return leave_type
    return types[0] if types else None


class MyLeaveView(BalancePage):
    permission_required = "leave.view_own_leave"
    title = _("My leave")

    @cached_property
    def person(self):
        return my_employee(self.request.user)


class BalanceView(BalancePage):
    permission_required = "leave.view_balance"

    @cached_property
    def person(self):
        return balance_person_for(self.request.user, self.kwargs["employee_id"])

    def get_title(self) -> str:
        return gettext("Leave of %(name)s") % {"name": self.person.full_name}
