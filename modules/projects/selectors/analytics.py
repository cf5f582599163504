"""A project's figures for a date range (start and end inclusive, the company's dates).

Everything is summed in the database: one aggregate for time and money, one
for task counts and scope, three grouped for the chart series (tasks created and
completed per step, hours per day), two for hours per person (sums, names) and
three for the tasks behind schedule: a constant ten queries whatever the range
or the number of logs. Time logs are read
through ``timelog_project_date`` (tenant, project, date).

Cost, bill amounts, margin and rates are only computed with ``with_cost``
(``visibility.may_see_cost``): without it the result has no such key at all,
so no template or export can show them by mistake.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, DecimalField, Exists, F, OuterRef, Q, Sum, Value
from django.db.models.functions import Coalesce, TruncDate, TruncMonth, TruncWeek

from modules.employees.models import Employee
from modules.projects.models import Dependency, Project, Task, TimeLog

MONEY_FIELD = DecimalField(max_digits=16, decimal_places=2)
ZERO = Value(Decimal("0"), output_field=MONEY_FIELD)
ONE_HOUR = Value(Decimal("1"), output_field=MONEY_FIELD)
# The chart's step: days up to two months, weeks up to two years, months beyond.
DAILY_UP_TO = 62
WEEKLY_UP_TO = 731
BEHIND_SHOWN = 100


@dataclass
class Analytics:
    project: Project
    start: date
    end: date
    today: date
    with_cost: bool
    time: dict = field(default_factory=dict)
    tasks: dict = field(default_factory=dict)
    behind: list = field(default_factory=list)
    behind_count: int = 0
    series: dict = field(default_factory=dict)
    people: list = field(default_factory=list)


def _pct(part, whole) -> Decimal | None:
    if whole is None or not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _zone(tenant) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(tenant.time_zone or "UTC")


def _bounds(start: date, end: date, zone) -> tuple[datetime, datetime]:
    """The range as moments: from the start's midnight to the midnight after the end."""
    return (
        datetime.combine(start, time.min, tzinfo=zone),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone),
    )


def step_for(start: date, end: date) -> str:
    days = (end - start).days + 1
    if days <= DAILY_UP_TO:
        return "day"
    return "week" if days <= WEEKLY_UP_TO else "month"


def time_totals(project: Project, start: date, end: date, *, with_cost: bool) -> dict:
    """Hours (and money) over the project's life and in the range, one query."""
    in_range = Q(date__gte=start, date__lte=end)
    sums = {
        "life_hours": Coalesce(Sum("hours"), ZERO),
        "hours": Coalesce(Sum("hours", filter=in_range), ZERO),
        "billable_hours": Coalesce(Sum("hours", filter=in_range & Q(billable=True)), ZERO),
    }
    if with_cost:
        sums |= {
            "life_cost": Coalesce(Sum("cost_amount"), ZERO),
            "cost": Coalesce(Sum("cost_amount", filter=in_range), ZERO),
            "life_bill": Coalesce(Sum("bill_amount"), ZERO),
            "bill": Coalesce(Sum("bill_amount", filter=in_range), ZERO),
        }
    # Aliases that are not field names: an aggregate may not shadow the column it sums.
    sums = {f"sum_{key}": value for key, value in sums.items()}
    row = TimeLog.objects.filter(project_id=project.pk).aggregate(**sums)
    totals = {key.removeprefix("sum_"): value for key, value in row.items()}
    totals["budget_hours"] = project.budget_hours
    totals["hours_used_pct"] = _pct(totals["life_hours"], project.budget_hours)
    totals["hours_left"] = (
        project.budget_hours - totals["life_hours"] if project.budget_hours is not None else None
    )
    if with_cost:
        totals["budget_amount"] = project.budget_amount
        totals["budget_used_pct"] = _pct(totals["life_cost"], project.budget_amount)
        totals["budget_left"] = (
            project.budget_amount - totals["life_cost"]
            if project.budget_amount is not None
            else None
        )
        for prefix in ("", "life_"):
            bill, cost = totals[f"{prefix}bill"], totals[f"{prefix}cost"]
            totals[f"{prefix}margin"] = bill - cost
            totals[f"{prefix}margin_pct"] = _pct(bill - cost, bill)
    return totals


def task_totals(project: Project, start: date, end: date, zone) -> dict:
    """Done in the range against planned (due in the range), and the scope, one query."""
    since, until = _bounds(start, end, zone)
    done = Q(column__is_done=True)
    estimate = Coalesce("estimate_hours", ONE_HOUR, output_field=MONEY_FIELD)
    due_in_range = Q(due_date__gte=start, due_date__lte=end)
    return Task.objects.filter(project_id=project.pk).aggregate(
        total=Count("pk"),
        open=Count("pk", filter=~done),
        completed=Count("pk", filter=done & Q(completed_at__gte=since, completed_at__lt=until)),
        planned=Count("pk", filter=due_in_range),
        planned_done=Count("pk", filter=due_in_range & done),
        # The scope the chart starts from: what existed, and was done, before the range.
        scope_before=Coalesce(Sum(estimate, filter=Q(created_at__lt=since)), ZERO),
        done_before=Coalesce(Sum(estimate, filter=done & Q(completed_at__lt=since)), ZERO),
    )


def behind_schedule(project: Project, today: date) -> tuple[list[dict], int]:
    """Open tasks that are overdue or due before an open blocker is, with their reasons."""
    late_blocker = Dependency.objects.filter(
        task_id=OuterRef("pk"),
        blocker__column__is_done=False,
        blocker__due_date__gt=OuterRef("due_date"),
    )
    rows = (
        Task.objects.filter(project_id=project.pk, column__is_done=False)
        .annotate(late_by_blockers=Exists(late_blocker))
        .filter(Q(due_date__lt=today) | Q(late_by_blockers=True))
        .select_related("column")
        .order_by("due_date", "number")
    )
    count = rows.count()
    shown = list(rows[:BEHIND_SHOWN])
    # The blockers that end after each shown task is due, in one query.
    blockers: dict[int, list] = {}
    links = (
        Dependency.objects.filter(
            task_id__in=[row.pk for row in shown if row.late_by_blockers],
            blocker__column__is_done=False,
            blocker__due_date__gt=F("task__due_date"),
        )
        .select_related("blocker")
        .order_by("blocker__due_date", "blocker__number")
    )
    for link in links:
        blockers.setdefault(link.task_id, []).append(
            {
                "reference": f"{project.code}-{link.blocker.number}",
                "title": link.blocker.title,
                "due_date": link.blocker.due_date,
            }
        )
    items = []
    for row in shown:
        overdue_days = (today - row.due_date).days if row.due_date and row.due_date < today else 0
        items.append(
            {
                "pk": row.pk,
                "reference": f"{project.code}-{row.number}",
                "title": row.title,
                "column": row.column.name,
                "due_date": row.due_date,
                "overdue_days": overdue_days,
                "blockers": blockers.get(row.pk, []),
            }
        )
    return items, count


def _buckets(start: date, end: date, step: str) -> list[date]:
    first = _bucket_of(start, step)
    points, day = [], first
    while day <= end:
        points.append(day)
        if step == "day":
            day += timedelta(days=1)
        elif step == "week":
            day += timedelta(days=7)
        else:
            day = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    return points


def _bucket_of(day: date, step: str) -> date:
    if step == "day":
        return day
    if step == "week":
        return day - timedelta(days=day.weekday())
    return day.replace(day=1)


def _trunc(step: str, name: str, zone=None):
    """The step a moment (``zone`` given: in the company's zone) or a date falls in."""
    kwargs = {"tzinfo": zone} if zone is not None else {}
    if step == "day":
        # A date is its own day; a moment's day is its date in the company's zone.
        return TruncDate(name, **kwargs) if zone is not None else F(name)
    if step == "week":
        return TruncWeek(name, output_field=_date_field(), **kwargs)
    return TruncMonth(name, output_field=_date_field(), **kwargs)


def _date_field():
    from django.db.models import DateField

    return DateField()


def _as_date(value) -> date:
    return value.date() if isinstance(value, datetime) else value


def series(project: Project, start: date, end: date, zone, base: dict) -> dict:
    """Burndown and burnup per step, and hours logged per step: three grouped queries.

    ``scope`` is the estimate hours of every task created by the end of a step
    (unestimated tasks count one hour, as in the health), ``completed`` the part
    of it done by then, ``remaining`` their difference: the burndown.
    """
    step = step_for(start, end)
    since, until = _bounds(start, end, zone)
    estimate = Coalesce("estimate_hours", ONE_HOUR, output_field=MONEY_FIELD)
    tasks = Task.objects.filter(project_id=project.pk)
    added = {
        _as_date(row["bucket"]): row["sum_hours"]
        for row in tasks.filter(created_at__gte=since, created_at__lt=until)
        .annotate(bucket=_trunc(step, "created_at", zone))
        .values("bucket")
        .annotate(sum_hours=Sum(estimate))
        .values("bucket", "sum_hours")
        .order_by()
    }
    done = {
        _as_date(row["bucket"]): row["sum_hours"]
        for row in tasks.filter(
            column__is_done=True, completed_at__gte=since, completed_at__lt=until
        )
        .annotate(bucket=_trunc(step, "completed_at", zone))
        .values("bucket")
        .annotate(sum_hours=Sum(estimate))
        .values("bucket", "sum_hours")
        .order_by()
    }
    # Grouped by the log's own date (cheap: no expression per row), then folded into
    # steps here: a year is at most 366 rows.
    logged: dict[date, Decimal] = {}
    per_day = (
        TimeLog.objects.filter(project_id=project.pk, date__gte=start, date__lte=end)
        .values("date")
        .annotate(sum_hours=Sum("hours"))
        .values_list("date", "sum_hours")
        .order_by()
    )
    for day, hours in per_day:
        bucket = _bucket_of(day, step)
        logged[bucket] = logged.get(bucket, Decimal("0")) + hours
    scope, completed = Decimal(base["scope_before"]), Decimal(base["done_before"])
    points = []
    for bucket in _buckets(start, end, step):
        scope += Decimal(added.get(bucket, 0))
        completed += Decimal(done.get(bucket, 0))
        points.append(
            {
                "date": bucket,
                "scope": scope,
                "completed": completed,
                "remaining": scope - completed,
                "logged": Decimal(logged.get(bucket, 0)),
            }
        )
    return {"step": step, "points": points}


def hours_per_person(project: Project, start: date, end: date, *, with_cost: bool) -> list[dict]:
    """Two queries: the sums grouped by person alone (an integer key), then their names."""
    sums = {"sum_hours": Sum("hours")}
    if with_cost:
        sums |= {"sum_cost": Sum("cost_amount"), "sum_bill": Sum("bill_amount")}
    rows = list(
        TimeLog.objects.filter(project_id=project.pk, date__gte=start, date__lte=end)
        .values("employee_id")
        .annotate(**sums)
        .order_by()
    )
    names = {
        pk: f"{first} {last}".strip()
        for pk, first, last in Employee.objects.filter(
            pk__in=[row["employee_id"] for row in rows]
        ).values_list("pk", "first_name", "last_name")
    }
    people = []
    for row in rows:
        person = {
            "employee_id": row["employee_id"],
            "name": names.get(row["employee_id"], ""),
            "hours": row["sum_hours"],
        }
        if with_cost:
            person |= {"cost": row["sum_cost"], "bill": row["sum_bill"]}
        people.append(person)
    # Most hours first, then by name.
    people.sort(key=lambda person: (-person["hours"], person["name"], person["employee_id"]))
    return people


def project_analytics(
    project: Project, *, start: date, end: date, today: date, tenant, with_cost: bool
) -> Analytics:
    """Every figure of the analytics page (and its export) for ``start``..``end``."""
    zone = _zone(tenant)
    result = Analytics(project, start, end, today, with_cost)
    result.time = time_totals(project, start, end, with_cost=with_cost)
    result.tasks = task_totals(project, start, end, zone)
    result.tasks["completed_pct"] = _pct(result.tasks["planned_done"], result.tasks["planned"])
    result.behind, result.behind_count = behind_schedule(project, today)
    result.series = series(project, start, end, zone, result.tasks)
    result.people = hours_per_person(project, start, end, with_cost=with_cost)
    return result
