"""Reads about people: reporting lines, teams, expiring documents, the org chart."""

from __future__ import annotations

import operator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import reduce

from django.db import connection
from django.db.models import Count, Q, QuerySet, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Lower
from django.utils.text import smart_split, unescape_string_literal

from modules.employees.models import (
    SEARCH_COLUMNS,
    Department,
    Employee,
    EmployeeDocument,
    expiring_cutoff,
)
from opsplatform.db.functions import StartsWith
from opsplatform.permissions import per_user_cache
from opsplatform.tenancy.context import require_current_tenant

MAX_DEPTH = 1000  # a guard, far beyond any real org chart


def _table() -> str:
    return connection.ops.quote_name(Employee._meta.db_table)


def chain_above(employee_id: int) -> list[int]:
    """``employee_id`` and every manager above it, nearest first (one query).

    Stops at a repeated id, so an existing loop in the data cannot hang it.
    """
    tenant = require_current_tenant()
    sql = f"""
        WITH RECURSIVE chain(id, manager_id, depth) AS (
            SELECT id, manager_id, 0 FROM {_table()} WHERE id = %s AND tenant_id = %s
            UNION ALL
            SELECT e.id, e.manager_id, c.depth + 1
            FROM {_table()} e JOIN chain c ON e.id = c.manager_id
            WHERE e.tenant_id = %s AND c.depth < %s
        )
        SELECT id FROM chain ORDER BY depth
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [employee_id, tenant.pk, tenant.pk, MAX_DEPTH])
        ids: list[int] = []
        for (row_id,) in cursor.fetchall():
            if row_id in ids:
                break
            ids.append(row_id)
    return ids


def _team_sql() -> str:
    return f"""
        WITH RECURSIVE team(id, depth) AS (
            SELECT id, 1 FROM {_table()} WHERE manager_id = %s AND tenant_id = %s
            UNION
            SELECT e.id, t.depth + 1 FROM {_table()} e JOIN team t ON e.manager_id = t.id
            WHERE e.tenant_id = %s AND t.depth < %s
        )
        SELECT DISTINCT id FROM team WHERE id <> %s
    """


def reports_of(manager_id: int) -> RawSQL:
    """Everyone reporting to ``manager_id``, directly or through others, as a subquery
    for ``pk__in=``: the database walks the team, so a team of 50,000 is not sent
    back and forth as a list of ids (4 s for a vice-president's list at 100,000)."""
    tenant = require_current_tenant()
    return RawSQL(_team_sql(), [manager_id, tenant.pk, tenant.pk, MAX_DEPTH, manager_id])


def manages_anyone(manager_id: int) -> bool:
    return Employee.objects.filter(manager_id=manager_id).exists()


def reports_to(employee_id: int, manager_id: int) -> bool:
    """Whether ``manager_id`` is above ``employee_id`` in its reporting line (one query)."""
    return manager_id in chain_above(employee_id)[1:]


def employee_for_user(user) -> Employee | None:
    """The employee record linked to this person's login in the current company."""
    if user is None or not user.is_authenticated:
        return None
    return (
        Employee.objects.select_related("department", "position", "manager", "location")
        .filter(membership__user_id=user.pk)
        .first()
    )


# -- who sees whom: other modules ask here, never employees.rules ------------------------


def my_employee(user) -> Employee | None:
    """``employee_for_user``, looked up once per request."""
    return per_user_cache(user, "employee", lambda: employee_for_user(user))


def has_reports(user) -> bool:
    """Whether anyone reports directly to this person's own record (once per request)."""

    def compute():
        me = my_employee(user)
        return me is not None and manages_anyone(me.pk)

    return per_user_cache(user, "has_reports", compute)


def my_reports(user) -> RawSQL | None:
    """This person's direct and indirect reports as a subquery for ``pk__in=`` (None:
    they have no record). A big team stays in the database instead of a list of ids."""
    me = my_employee(user)
    return reports_of(me.pk) if me is not None else None


def is_manager_of(user, employee: Employee) -> bool:
    """Whether ``employee`` reports to this person, directly or through others."""
    me = my_employee(user)
    # Walk up from the one person (as deep as the line) rather than down the whole team.
    return me is not None and per_user_cache(
        user, f"reports_to:{employee.pk}", lambda: reports_to(employee.pk, me.pk)
    )


def visible_employees(user, queryset: QuerySet[Employee] | None = None) -> QuerySet[Employee]:
    """The people ``user`` may read: everyone for owners, HR, the CEO and finance, a
    manager's direct and indirect reports, nobody for anyone else. Every path that
    lists people (the list, exports, autocompletes, files, history) narrows here.

    ``queryset`` is where to start (the admin's, with its ordering); by default all.
    The org chart is not narrowed: it shows every member the company's shape.
    """
    from modules.employees.rules import sees_all_people

    queryset = Employee.objects.all() if queryset is None else queryset
    if sees_all_people.test(user):
        return queryset
    if not has_reports(user):
        return queryset.none()
    return queryset.filter(pk__in=my_reports(user))


def search_words(text: str) -> list[str]:
    """The words of a search as Django's admin splits them ("quoted phrases" stay whole)."""
    words = []
    for bit in smart_split(text):
        if bit.startswith(('"', "'")) and bit[0] == bit[-1]:
            bit = unescape_string_literal(bit)
        if bit:
            words.append(bit)
    return words


def search_employees(queryset: QuerySet[Employee], text: str) -> QuerySet[Employee]:
    """The people of ``queryset`` with every word of ``text`` at the start of their
    first name (or "first last"), last name, employee number or work email, in
    any case: the list's and the autocomplete's search.

    Each word is a ``starts_with`` on the lower-cased columns the database keeps
    (``SEARCH_COLUMNS``), which their indexes serve under row-level security, so
    the search costs the same at any size (docs/employees.md, "Search").
    """
    for word in search_words(text):
        prefix = Lower(Value(word))
        matches = [StartsWith(column, prefix) for column in SEARCH_COLUMNS]
        queryset = queryset.filter(reduce(operator.or_, (Q(m) for m in matches)))
    return queryset


def expiring_documents() -> QuerySet[EmployeeDocument]:
    return (
        EmployeeDocument.objects.filter(expires_on__isnull=False, expires_on__lte=expiring_cutoff())
        .exclude(employee__status=Employee.Status.TERMINATED)
        .select_related("employee")
        .order_by("expires_on")
    )


# -- the org chart: one page of one level at a time ---------------------------------
#
# A company of 100,000 people cannot be drawn at once (issue 9: 12.6 s and 22 MB
# of HTML). Every read below returns one page of one level, with the counts that
# tell a person what is under each node, in a fixed number of queries.

ORG_CHART_PAGE_SIZE = 50
ORG_CHART_SEARCH_LIMIT = 20
MAX_ORG_CHART_PAGE = 100_000  # beyond any real level; keeps the OFFSET sane


@dataclass
class OrgChartPage:
    """One page of one level of the chart: ``items`` and whether more follow."""

    items: list
    number: int
    has_more: bool

    @property
    def next_number(self) -> int:
        return self.number + 1


def _active_people() -> QuerySet[Employee]:
    # The chart shows who works here: terminated people are left out everywhere.
    return Employee.objects.exclude(status=Employee.Status.TERMINATED)


def _people_in_order(queryset: QuerySet[Employee]) -> QuerySet[Employee]:
    # pk last: a stable order, so that "show more" never repeats or skips a person.
    return queryset.select_related("position", "department").order_by(
        "last_name", "first_name", "pk"
    )


def _page_of(queryset: QuerySet, number: int) -> OrgChartPage:
    number = max(1, min(number, MAX_ORG_CHART_PAGE))
    start = (number - 1) * ORG_CHART_PAGE_SIZE
    # One row more than the page tells whether another page follows, without a COUNT.
    rows = list(queryset[start : start + ORG_CHART_PAGE_SIZE + 1])
    return OrgChartPage(
        items=rows[:ORG_CHART_PAGE_SIZE], number=number, has_more=len(rows) > ORG_CHART_PAGE_SIZE
    )


def _grouped_counts(queryset: QuerySet, field: str, ids) -> dict[int, int]:
    if not ids:
        return {}
    rows = (
        queryset.filter(**{f"{field}__in": list(ids)})
        .order_by()  # the default ordering would join the GROUP BY
        .values(field)
        .annotate(n=Count("pk"))
    )
    return {row[field]: row["n"] for row in rows}


def with_report_counts(people: list[Employee]) -> list[Employee]:
    """Set ``report_count`` (active direct reports) on each person: one grouped query."""
    counts = _grouped_counts(_active_people(), "manager_id", {p.pk for p in people})
    for person in people:
        person.report_count = counts.get(person.pk, 0)
    return people


def org_chart_top_people(*, page: int = 1) -> OrgChartPage:
    """The top of the reporting lines: active people with no manager, or whose manager left."""
    # "Manager among those who left" as a subquery, not a join: the join costs a
    # lookup per person (2 s at 100,000), the subquery one hashed list of leavers.
    left = Employee.objects.filter(status=Employee.Status.TERMINATED).values("pk")
    queryset = _active_people().filter(Q(manager__isnull=True) | Q(manager_id__in=left))
    result = _page_of(_people_in_order(queryset), page)
    with_report_counts(result.items)
    return result


def org_chart_person(employee_id: int) -> Employee | None:
    """An active person of the current company, or None (also for another company's id)."""
    return _active_people().filter(pk=employee_id).first()


def org_chart_reports(*, manager_id: int, page: int = 1) -> OrgChartPage:
    """One page of a person's active direct reports, each with their own report count."""
    result = _page_of(_people_in_order(_active_people().filter(manager_id=manager_id)), page)
    with_report_counts(result.items)
    return result


def org_chart_chain(employee_id: int) -> list[Employee]:
    """The reporting line from the top of the chart down to this person, with report counts.

    Empty when the person is not an active member of the current company. The
    line stops below a manager who has left, as the chart shows such people at
    the top. Three queries, whatever the depth.
    """
    ids = chain_above(employee_id)
    people = {
        p.pk: p
        for p in _active_people().select_related("position", "department").filter(pk__in=ids)
    }
    chain = []
    for person_id in ids:  # nearest first
        if person_id not in people:
            break
        chain.append(people[person_id])
    chain.reverse()
    return with_report_counts(chain)


def org_chart_search(text: str) -> tuple[list[Employee], bool]:
    """Active people whose first or last name holds every word of ``text``.

    Returns the first matches in name order and whether there were more.
    """
    words = text.split()[:5]
    if not words:
        return [], False
    queryset = _active_people()
    for word in words:
        queryset = queryset.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word))
    rows = list(_people_in_order(queryset)[: ORG_CHART_SEARCH_LIMIT + 1])
    return rows[:ORG_CHART_SEARCH_LIMIT], len(rows) > ORG_CHART_SEARCH_LIMIT


def with_department_counts(departments: list[Department]) -> list[Department]:
    """Set ``people_count`` (active people in it) and ``subdepartment_count`` on each."""
    ids = {d.pk for d in departments}
    people = _grouped_counts(_active_people(), "department_id", ids)
    subdepartments = _grouped_counts(Department.objects.all(), "parent_id", ids)
    for department in departments:
        department.people_count = people.get(department.pk, 0)
        department.subdepartment_count = subdepartments.get(department.pk, 0)
    return departments


def _departments_page(queryset: QuerySet[Department], page: int) -> OrgChartPage:
    result = _page_of(queryset.select_related("head").order_by("name", "pk"), page)
    with_department_counts(result.items)
    return result


def org_chart_top_departments(*, page: int = 1) -> OrgChartPage:
    return _departments_page(Department.objects.filter(parent__isnull=True), page)


def org_chart_department(department_id: int) -> Department | None:
    return Department.objects.filter(pk=department_id).first()


def org_chart_subdepartments(*, department_id: int, page: int = 1) -> OrgChartPage:
    return _departments_page(Department.objects.filter(parent_id=department_id), page)


def org_chart_department_people(*, department_id: int | None, page: int = 1) -> OrgChartPage:
    """One page of the active people of a department (None: people with no department)."""
    if department_id is None:
        queryset = _active_people().filter(department__isnull=True)
    else:
        queryset = _active_people().filter(department_id=department_id)
    return _page_of(_people_in_order(queryset), page)


def org_chart_unassigned_count() -> int:
    return _active_people().filter(department__isnull=True).count()


# -- dated cost rates -------------------------------------------------------------


def cost_rates_on(pairs) -> dict[tuple[int, date], Decimal | None]:
    """The hourly cost rate of each ``(employee, date)`` pair, in one query.

    The rate on a date is the latest dated rate from that date or before; a date
    before someone's first dated rate takes that first rate; someone with no dated
    rate at all has their ``hourly_cost_rate`` (None when they have none). Keys
    are ``(employee id, date)``.
    """
    from bisect import bisect_right

    from modules.employees.models import CostRate

    pairs = list(pairs)
    if not pairs:
        return {}
    employees = {employee.pk: employee for employee, _day in pairs}
    history: dict[int, list[tuple[date, Decimal]]] = {}
    rows = (
        # Every rate of these people (a handful each): a date before someone's first
        # rate needs that first rate, whatever the dates asked.
        CostRate.objects.filter(employee_id__in=list(employees))
        .order_by("employee_id", "valid_from")
        .values_list("employee_id", "valid_from", "hourly_rate")
    )
    for employee_id, valid_from, rate in rows:
        history.setdefault(employee_id, []).append((valid_from, rate))
    answers = {}
    for employee, day in pairs:
        known = history.get(employee.pk)
        if not known:
            answers[(employee.pk, day)] = employee.hourly_cost_rate
            continue
        index = bisect_right([d for d, _r in known], day)
        answers[(employee.pk, day)] = known[max(index - 1, 0)][1]
    return answers


def rate_on(employee, day: date) -> Decimal | None:
    return cost_rates_on([(employee, day)])[(employee.pk, day)]
