"""The team calendar: who is off when, with holidays and blackouts, in a fixed
number of queries (about ten) whatever the number of people or requests.

Rows are the people (of those ``user`` may see) with leave in the month, a
page at a time; each row's cells are the month's days. Pending leave (in
review) is shown apart from approved leave; drafts, returned, rejected and
cancelled requests are not shown. Approved leave cancelled part-way shows the
days before it was cancelled.
"""

from __future__ import annotations

import calendar as pycalendar
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import FilteredRelation, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from modules.approvals.models import RequestStatus
from modules.employees.models import Department, Employee, WorkLocation
from modules.leave.models import BlackoutPeriod, HolidayCalendar, LeaveRequest, LeaveType
from modules.leave.selectors.visibility import request_people

PEOPLE_PER_PAGE = 100
OFF_LIST_LIMIT = 200
ONE_DAY = timedelta(days=1)

APPROVED = RequestStatus.COMPLETED
PENDING = RequestStatus.IN_REVIEW
ON_CALENDAR = (APPROVED, PENDING)

# How leave names the engine's statuses (the engine's words are about any request).
STATUS_LABELS = {
    RequestStatus.DRAFT: _("Draft"),
    RequestStatus.IN_REVIEW: _("Pending"),
    RequestStatus.RETURNED: _("Returned for changes"),
    RequestStatus.COMPLETED: _("Approved"),
    RequestStatus.REJECTED: _("Rejected"),
    RequestStatus.CANCELLED: _("Cancelled"),
}
STATUS_COLOURS = {
    RequestStatus.DRAFT: "info",
    RequestStatus.IN_REVIEW: "warning",
    RequestStatus.RETURNED: "warning",
    RequestStatus.COMPLETED: "success",
    RequestStatus.REJECTED: "danger",
    RequestStatus.CANCELLED: "info",
}


def status_label(leave_request: LeaveRequest) -> str:
    if leave_request.cancelled_at is not None:
        return str(_("Cancelled after it started"))
    return str(STATUS_LABELS.get(leave_request.approval.status, leave_request.approval.status))


def last_day_off(leave_request: LeaveRequest) -> date | None:
    """The last day the request keeps someone away (None: cancelled before it began)."""
    if leave_request.cancelled_at is None:
        return leave_request.end_date
    # The day it was cancelled on stays taken (services/requests.py credits from the next).
    last = min(leave_request.end_date, leave_request.cancelled_at.date())
    return last if last >= leave_request.start_date else None


def shown_requests(user, start: date, end: date) -> QuerySet[LeaveRequest]:
    """Pending and approved leave of the people ``user`` may see, overlapping [start, end]."""
    return (
        LeaveRequest.objects.filter(
            approval__status__in=ON_CALENDAR,
            start_date__lte=end,
            end_date__gte=start,
            employee__in=request_people(user),
        )
        .select_related("employee", "leave_type", "approval")
        # Only what the "off" lists show, and what tells when cancelled leave stops.
        .only(
            "pk",
            "employee_id",
            "start_date",
            "end_date",
            "cancelled_at",
            "employee__first_name",
            "employee__last_name",
            "leave_type__name",
            "leave_type__colour",
            "approval__status",
        )
        .order_by("start_date", "employee__last_name", "employee__first_name", "pk")
    )


@dataclass
class Cell:
    day: date
    weekend: bool
    holiday: str = ""
    blackout: bool = False
    leave: LeaveRequest | None = None

    @property
    def pending(self) -> bool:
        return self.leave is not None and self.leave.approval.status == PENDING

    @property
    def half(self) -> str:
        """ "morning"/"afternoon" when only part of this day is taken."""
        leave = self.leave
        if leave is None:
            return ""
        if self.day == leave.start_date and leave.start_part != LeaveRequest.Part.FULL:
            return leave.start_part
        if self.day == leave.end_date and leave.end_part != LeaveRequest.Part.FULL:
            return leave.end_part
        return ""


@dataclass
class Row:
    employee: Employee
    cells: list[Cell]


@dataclass
class Month:
    first: date
    days: list[date]
    rows: list[Row]
    blackout_row: list[Cell]
    blackouts: list[BlackoutPeriod]
    leave_types: list[LeaveType]
    departments: list[Department]
    locations: list[WorkLocation]
    page: int = 1
    has_more: bool = False
    filters: dict = field(default_factory=dict)

    @property
    def previous(self) -> date:
        return (self.first - timedelta(days=1)).replace(day=1)

    @property
    def next(self) -> date:
        return self.days[-1] + timedelta(days=1)


def _people(user, department_id, location_id) -> QuerySet[Employee]:
    people = request_people(user)
    if department_id:
        people = people.filter(department_id=department_id)
    if location_id:
        people = people.filter(location_id=location_id)
    return people


def holidays_by_location(
    location_ids: set, first: date, last: date
) -> dict[int | None, dict[date, str]]:
    """{location id: {day: holiday name}} for the locations' calendars (the default
    calendar for a location without one; ``None`` is the key of people with no
    location). One query: each calendar with its links and the month's holidays
    (a LEFT JOIN, so a calendar with none this month still takes its locations)."""
    months = {d.month for d in _each_day(first, last)}
    in_month = Q(holidays__date__range=(first, last)) | Q(
        holidays__recurs_yearly=True, holidays__date__month__in=months
    )
    links = (
        HolidayCalendar.objects.filter(Q(is_default=True) | Q(locations__in=location_ids))
        .annotate(shown=FilteredRelation("holidays", condition=in_month))
        .values_list(
            "pk", "is_default", "locations", "shown__date", "shown__recurs_yearly", "shown__name"
        )
        .distinct()
    )
    default = None
    calendar_of: dict = {}
    days: dict[int, dict[date, str]] = defaultdict(dict)
    for pk, is_default, location_id, day, recurs_yearly, name in links:
        if is_default and default is None:
            default = pk
        if location_id in location_ids:
            calendar_of.setdefault(location_id, pk)
        if day is None:
            continue
        if recurs_yearly:
            try:
                day = day.replace(year=first.year)
            except ValueError:  # 29 February in a year without one
                continue
        if first <= day <= last:
            days[pk][day] = name
    result = {
        location_id: days.get(calendar_of.get(location_id, default), {})
        for location_id in location_ids
    }
    result[None] = days.get(default, {}) if default else {}
    return result


def _each_day(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def blackouts_between(first: date, last: date, department_id=None, location_id=None):
    """Blackout periods overlapping [first, last] that apply to the filter (one query)."""
    blackouts = BlackoutPeriod.objects.filter(starts_on__lte=last, ends_on__gte=first)
    if department_id:
        blackouts = blackouts.filter(Q(departments=None) | Q(departments=department_id))
    if location_id:
        blackouts = blackouts.filter(Q(locations=None) | Q(locations=location_id))
    return list(blackouts.distinct().order_by("starts_on", "pk"))


def month_grid(
    user,
    *,
    year: int,
    month: int,
    department_id: int | None = None,
    location_id: int | None = None,
    page: int = 1,
) -> Month:
    first = date(year, month, 1)
    last = date(year, month, pycalendar.monthrange(year, month)[1])
    days = _each_day(first, last)
    page = max(page, 1)
    off_this_month = LeaveRequest.objects.filter(
        approval__status__in=ON_CALENDAR, start_date__lte=last, end_date__gte=first
    ).values("employee_id")
    start = (page - 1) * PEOPLE_PER_PAGE
    # Only the columns a row shows: its name, location (holidays) and schedule.
    people = list(
        _people(user, department_id, location_id)
        .filter(pk__in=off_this_month)
        .select_related("schedule")
        .only("pk", "first_name", "last_name", "location_id", "schedule__working_days")
        .order_by("last_name", "first_name", "pk")[start : start + PEOPLE_PER_PAGE + 1]
    )
    has_more = len(people) > PEOPLE_PER_PAGE
    people = people[:PEOPLE_PER_PAGE]
    leave_by_person: dict[int, list[LeaveRequest]] = defaultdict(list)
    if people:
        for leave in _month_leave(first, last, [p.pk for p in people]):
            leave_by_person[leave.employee_id].append(leave)
    holidays = holidays_by_location({p.location_id for p in people}, first, last)
    blackouts = blackouts_between(first, last, department_id, location_id)
    blackout_days = {day for b in blackouts for day in days if b.starts_on <= day <= b.ends_on}
    rows = []
    for person in people:
        off: dict[date, LeaveRequest] = {}
        for leave in leave_by_person[person.pk]:
            end = last_day_off(leave)
            if end is None:
                continue
            day, end = max(leave.start_date, first), min(end, last)
            while day <= end:
                # Approved wins a day that also has a pending request.
                if day not in off or off[day].approval.status == PENDING:
                    off[day] = leave
                day += ONE_DAY
        person_holidays = holidays.get(person.location_id, holidays[None])
        working = _working_days(person)
        rows.append(
            Row(
                employee=person,
                cells=[
                    Cell(
                        day=day,
                        weekend=day.weekday() not in working,
                        holiday=person_holidays.get(day, ""),
                        blackout=day in blackout_days,
                        leave=off.get(day),
                    )
                    for day in days
                ],
            )
        )
    return Month(
        first=first,
        days=days,
        rows=rows,
        blackout_row=[
            Cell(day=day, weekend=day.weekday() >= 5, blackout=day in blackout_days) for day in days
        ],
        blackouts=blackouts,
        leave_types=list(LeaveType.objects.filter(active=True).only("pk", "name", "colour")),
        departments=list(Department.objects.order_by("name").only("pk", "name")),
        locations=list(WorkLocation.objects.order_by("name").only("pk", "name")),
        page=page,
        has_more=has_more,
        filters={"department": department_id, "location": location_id},
    )


def _month_leave(first: date, last: date, people: list[int]) -> QuerySet[LeaveRequest]:
    """The shown leave of a page of people (already narrowed to whom the viewer may
    see), with only the columns a cell needs."""
    return (
        LeaveRequest.objects.filter(
            approval__status__in=ON_CALENDAR,
            start_date__lte=last,
            end_date__gte=first,
            employee_id__in=people,
        )
        .select_related("leave_type", "approval")
        .only(
            "pk",
            "employee_id",
            "start_date",
            "end_date",
            "start_part",
            "end_part",
            "cancelled_at",
            "leave_type__code",
            "leave_type__name",
            "leave_type__colour",
            "approval__status",
        )
        .order_by("start_date", "pk")
    )


def _working_days(person: Employee) -> set[int]:
    # The person's own schedule; Monday to Friday for someone without one.
    if person.schedule_id and person.schedule.working_days:
        return set(person.schedule.working_days)
    return {0, 1, 2, 3, 4}


def off_between(user, start: date, end: date) -> list[LeaveRequest]:
    """Pending and approved leave overlapping [start, end] (one query, capped), each
    with ``last_off``: its end, or the day it was cancelled on when that came first."""
    shown = []
    for leave in shown_requests(user, start, end)[:OFF_LIST_LIMIT]:
        leave.last_off = last_day_off(leave)
        if leave.last_off is not None and leave.last_off >= start:
            shown.append(leave)
    return shown


def off_today_count(user, today: date) -> int:
    """How many people ``user`` may see are on approved leave today (one query)."""
    return (
        LeaveRequest.objects.filter(
            approval__status=APPROVED,
            start_date__lte=today,
            end_date__gte=today,
            employee__in=request_people(user),
        )
        .filter(Q(cancelled_at__isnull=True) | Q(cancelled_at__date__gte=today))
        .values("employee_id")
        .distinct()
        .count()
    )
