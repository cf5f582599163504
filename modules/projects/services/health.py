"""The project's health, computed from its tasks and time (docs/projects/health.md).

``recompute(project)`` is what every service that changes a project's tasks or
time calls, inside its transaction, once per write (an import calls it once
at the end), and what the daily sweep calls for every live project because
the calendar moves (health_tasks.py). It is never run on page load.

Cost: three reads (the project row under lock, one aggregate over its tasks
and their open blockers, one over its time logs) and one UPDATE, whatever the
project's size; a notice when the level worsened adds a few.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, DecimalField, Exists, OuterRef, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from modules.projects.models import Dependency, Project, Task, TimeLog
from opsplatform.tenancy.context import require_current_tenant

Health = Project.Health
LIVE = (Project.Status.PLANNED, Project.Status.ACTIVE, Project.Status.ON_HOLD)
RANK = {"": 0, Health.ON_TRACK: 1, Health.AT_RISK: 2, Health.OFF_TRACK: 3}
# The order reasons are listed in when they are equally bad.
REASON_ORDER = ("overdue", "budget", "schedule", "blocked")
# Each signal belongs to a reason; the sentence has one phrase per signal.
SIGNAL_REASON = {
    "overdue": "overdue",
    "budget": "budget",
    "past_due": "schedule",
    "slip": "schedule",
    "blocked": "blocked",
    "late_by_blockers": "blocked",
}
HOURS_FIELD = DecimalField(max_digits=14, decimal_places=2)
ONE_HOUR = Value(Decimal("1"), output_field=HOURS_FIELD)
ZERO = Value(Decimal("0"), output_field=HOURS_FIELD)


@dataclass(frozen=True)
class Numbers:
    """What the rules read, gathered by ``gather`` (plain values: the rules are pure)."""

    today: date
    start_date: date | None
    due_date: date | None
    open: int
    done: int
    overdue: int
    blocked: int
    late_by_blockers: int
    estimate_all: Decimal
    estimate_done: Decimal
    hours_logged: Decimal
    cost_logged: Decimal
    budget_amount: Decimal | None
    budget_hours: Decimal | None


def _pct(part: Decimal, whole: Decimal) -> float:
    return float(Decimal(part) * 100 / Decimal(whole))


def complete_pct(numbers: Numbers) -> float:
    """Done estimate hours over all (a task without an estimate counts as one hour)."""
    if numbers.open + numbers.done == 0:
        return 0.0
    if numbers.estimate_all > 0:
        return _pct(numbers.estimate_done, numbers.estimate_all)
    # Every task is estimated at zero hours: count tasks instead (docs/projects/health.md).
    return _pct(Decimal(numbers.done), Decimal(numbers.open + numbers.done))


def spent_pct(numbers: Numbers) -> tuple[float | None, str]:
    """Spent against the money budget, else the hours budget, else none; and which."""
    if numbers.budget_amount is not None:
        if numbers.budget_amount > 0:
            return _pct(numbers.cost_logged, numbers.budget_amount), "money"
        # A budget of zero: anything spent is all of it (and more).
        return (100.0 if numbers.cost_logged > 0 else 0.0), "money"
    if numbers.budget_hours is not None:
        if numbers.budget_hours > 0:
            return _pct(numbers.hours_logged, numbers.budget_hours), "hours"
        return (100.0 if numbers.hours_logged > 0 else 0.0), "hours"
    return None, ""


def facts_of(numbers: Numbers) -> dict:
    """The facts and the signals that fired, worst first (the stored ``health_facts``)."""
    complete = complete_pct(numbers)
    spent, basis = spent_pct(numbers)
    today = numbers.today
    projected_end = slip_days = None
    if numbers.start_date is not None and numbers.start_date <= today and complete > 0:
        elapsed = (today - numbers.start_date).days
        projected_end = numbers.start_date + timedelta(days=round(elapsed * 100 / complete))
        if numbers.due_date is not None:
            slip_days = (projected_end - numbers.due_date).days
    past_due = numbers.due_date is not None and numbers.due_date < today and numbers.open > 0

    signals: list[tuple[str, str]] = []
    if numbers.overdue >= 1:
        off = numbers.overdue >= 5 and numbers.overdue * 4 >= numbers.open
        signals.append(("overdue", Health.OFF_TRACK if off else Health.AT_RISK))
    if spent is not None:
        gap = spent - complete
        if (spent >= 100 and numbers.open > 0) or gap >= 35:
            signals.append(("budget", Health.OFF_TRACK))
        elif gap >= 15:
            signals.append(("budget", Health.AT_RISK))
    if past_due:
        signals.append(("past_due", Health.OFF_TRACK))
    if slip_days is not None and slip_days > 0:
        signals.append(("slip", Health.OFF_TRACK if slip_days > 30 else Health.AT_RISK))
    if numbers.blocked >= 1 and numbers.blocked * 5 >= numbers.open:
        signals.append(("blocked", Health.AT_RISK))
    if numbers.late_by_blockers >= 1:
        signals.append(("late_by_blockers", Health.AT_RISK))

    def order(item):
        signal, level = item
        return (-RANK[level], REASON_ORDER.index(SIGNAL_REASON[signal]))

    signals.sort(key=order)
    reasons: list[str] = []
    for signal, _level in signals:
        if SIGNAL_REASON[signal] not in reasons:
            reasons.append(SIGNAL_REASON[signal])
    level = signals[0][1] if signals else Health.ON_TRACK
    return {
        "level": str(level),
        "today": today.isoformat(),
        "open": numbers.open,
        "done": numbers.done,
        "overdue": numbers.overdue,
        "blocked": numbers.blocked,
        "late_by_blockers": numbers.late_by_blockers,
        "complete_pct": round(complete, 1),
        # Percentages only: the facts are shown to people who may not see cost.
        "spent_pct": None if spent is None else round(spent, 1),
        "spent_basis": basis,
        "projected_end": projected_end.isoformat() if projected_end else None,
        "slip_days": slip_days,
        "past_due": past_due,
        "reasons": reasons,
        "signals": [[signal, str(level)] for signal, level in signals],
    }


def gather(project_row: dict, project_id: int, today: date) -> Numbers:
    """Two aggregate queries: the project's tasks (with their open blockers) and time logs."""
    open_q = Q(column__is_done=False)
    done_q = Q(column__is_done=True)
    estimate = Coalesce("estimate_hours", ONE_HOUR, output_field=HOURS_FIELD)
    # An open task with an open blocker; "late" when it is due before that blocker.
    open_blockers = Dependency.objects.filter(
        task_id=OuterRef("pk"), blocker__column__is_done=False
    )
    late_blockers = open_blockers.filter(blocker__due_date__gt=OuterRef("due_date"))
    tasks = Task.objects.filter(project_id=project_id).aggregate(
        open=Count("pk", filter=open_q),
        done=Count("pk", filter=done_q),
        overdue=Count("pk", filter=open_q & Q(due_date__lt=today)),
        blocked=Count("pk", filter=open_q & Q(Exists(open_blockers))),
        late=Count("pk", filter=open_q & Q(Exists(late_blockers))),
        estimate_all=Coalesce(Sum(estimate), ZERO),
        estimate_done=Coalesce(Sum(estimate, filter=done_q), ZERO),
    )
    time = TimeLog.objects.filter(project_id=project_id).aggregate(
        hours=Coalesce(Sum("hours"), ZERO), cost=Coalesce(Sum("cost_amount"), ZERO)
    )
    return Numbers(
        today=today,
        start_date=project_row["start_date"],
        due_date=project_row["due_date"],
        open=tasks["open"],
        done=tasks["done"],
        overdue=tasks["overdue"],
        blocked=tasks["blocked"],
        late_by_blockers=tasks["late"],
        estimate_all=Decimal(tasks["estimate_all"]),
        estimate_done=Decimal(tasks["estimate_done"]),
        hours_logged=Decimal(time["hours"]),
        cost_logged=Decimal(time["cost"]),
        budget_amount=project_row["budget_amount"],
        budget_hours=project_row["budget_hours"],
    )


def worsened(before: str, after: str) -> bool:
    """A first computation (nothing stored) is not a worsening."""
    return bool(before) and RANK[after] > RANK[before]


# No savepoint inside the caller's transaction (two statements saved on every
# write); alone, it opens its own. A failure fails the caller's write: nothing half-done.
@transaction.atomic(savepoint=False)
def recompute(project: Project) -> Project:
    """Work out and store the project's health and the facts behind it.

    Health is derived data: it is written with one UPDATE (no save(), so no
    history row and no ``updated_at`` bump per recompute) and the audit trail is
    the tasks' and time logs' own history. The project's row is locked first,
    so two writes on one project recompute one after the other and a worsening
    is noticed once.
    """
    row = (
        Project.objects.select_for_update()
        .filter(pk=project.pk)
        .values(
            "health",
            "status",
            "is_template",
            "start_date",
            "due_date",
            "budget_amount",
            "budget_hours",
            "manager_id",
        )
        .first()
    )
    if row is None or row["is_template"] or row["status"] not in LIVE:
        # A template has no health; a finished project keeps its last one.
        return project
    tenant = require_current_tenant()
    facts = facts_of(gather(row, project.pk, tenant.today()))
    level = facts.pop("level")
    checked_at = timezone.now()
    Project.objects.filter(pk=project.pk).update(
        health=level, health_facts=facts, health_checked_at=checked_at
    )
    project.health, project.health_facts, project.health_checked_at = level, facts, checked_at
    if worsened(row["health"], level):
        _tell_the_manager(project, row["manager_id"])
    return project


def _tell_the_manager(project: Project, manager_id: int) -> None:
    from django.urls import reverse
    from django.utils import translation

    from modules.employees.models import Employee
    from modules.projects.notifications import HEALTH_WORSENED
    from modules.projects.selectors.health import health_sentence
    from opsplatform.notifications.delivery import language_for
    from opsplatform.notifications.services import notify

    manager = Employee.objects.select_related("membership__user").filter(pk=manager_id).first()
    user = manager.membership.user if manager and manager.membership_id else None
    if user is None:
        return
    # The notice stores its context as text: written in the manager's language.
    with translation.override(language_for(user, require_current_tenant())):
        context = {
            "project": str(project),
            "health": str(Health(project.health).label),
            "reason": health_sentence(project),
        }
    notify(
        recipients=[user],
        type=HEALTH_WORSENED,
        context=context,
        url=reverse(
            "admin:projects_analytics", args=[project.pk], urlconf="opsplatform.urls.tenant"
        ),
    )
