"""Who may see whose leave: one place every leave screen narrows through.

- everyone sees their own requests and balances;
- a line manager sees their direct and indirect reports' requests, balances
  and calendar;
- owners and HR see everyone's requests and balances;
- the CEO and finance see everyone's requests and the team calendar (the
  approvals engine already shows them every request) but not the ledger:
  a person's balance history is HR's business, not the budget's.

Each helper returns a queryset (reports stay a subquery, never a list of ids),
and ``balance_person_for`` answers 404 alike for "missing", "another company's"
and "not yours to see".
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from modules.employees.models import Employee
from modules.employees.selectors import has_reports, my_employee, my_reports
from modules.leave.models import LeaveRequest
from opsplatform.permissions import current_roles

SEE_EVERY_REQUEST = frozenset({"owner", "hr", "ceo", "finance"})
SEE_EVERY_BALANCE = frozenset({"owner", "hr"})


def sees_every_request(user) -> bool:
    return bool(current_roles(user) & SEE_EVERY_REQUEST)


def sees_every_balance(user) -> bool:
    return bool(current_roles(user) & SEE_EVERY_BALANCE)


def sees_a_team(user) -> bool:
    """Whether this person has a team calendar and a request list to look at."""
    return sees_every_request(user) or has_reports(user)


def reads_every_listed_balance(user) -> bool:
    """Whether every person on this viewer's request list and calendar is one whose
    balance they may read: true for those who see every balance, and for everyone
    else, whose lists hold only themselves and their team. Names then link to it."""
    return sees_every_balance(user) or not sees_every_request(user)


def _self_and_reports(user) -> Q:
    me = my_employee(user)
    condition = Q(pk=me.pk) if me is not None else Q(pk__in=[])
    if has_reports(user):  # a subquery: a big team is not a list of ids
        condition |= Q(pk__in=my_reports(user))
    return condition


def request_people(user, queryset: QuerySet[Employee] | None = None) -> QuerySet[Employee]:
    """The people whose leave requests (and days off on the calendar) ``user`` may see."""
    queryset = Employee.objects.all() if queryset is None else queryset
    if sees_every_request(user):
        return queryset
    return queryset.filter(_self_and_reports(user))


def balance_people(user, queryset: QuerySet[Employee] | None = None) -> QuerySet[Employee]:
    """The people whose balances and ledger ``user`` may read."""
    queryset = Employee.objects.all() if queryset is None else queryset
    if sees_every_balance(user):
        return queryset
    return queryset.filter(_self_and_reports(user))


def visible_leave_requests(
    user, queryset: QuerySet[LeaveRequest] | None = None
) -> QuerySet[LeaveRequest]:
    """The leave requests ``user`` may read: the list, its filters, search, export,
    history and the calendar all start here."""
    queryset = LeaveRequest.objects.all() if queryset is None else queryset
    if sees_every_request(user):
        return queryset
    # Their own drafts too, before an employee record is attached.
    return queryset.filter(Q(approval__requester_id=user.pk) | Q(employee__in=request_people(user)))


def balance_person_for(user, employee_id) -> Employee:
    """One person whose balance ``user`` may read, or 404 alike for every other case."""
    queryset = Employee.objects.select_related("department", "location")
    found = balance_people(user, queryset).filter(pk=_number(employee_id)).first()
    if found is None:
        raise Http404
    return found


def may_see_balance(user, employee: Employee) -> bool:
    return balance_people(user).filter(pk=employee.pk).exists()


def _number(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None
