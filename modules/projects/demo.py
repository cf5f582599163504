"""Demo data of the projects module for seed_demo (docs/projects/demo.md).

Three live projects, each landing on the health it is meant to show by the
rules of services/health.py (the numbers below are chosen for them):

- WEB, healthy: about 65% of the estimate done 90 days into 150, budget spent
  a little behind progress, no open task overdue, few blocked;
- ERP, at risk: three open tasks overdue and the budget ~22 points ahead of
  progress (72% spent at 50% complete), its Progress column over its limit;
- MOB, off track: 110% of its budget spent at 40% complete, and a projected
  end months past its due date.

Each has the four columns Todo, Progress (a work-in-progress limit), Review and
Completed (the done column), 30 to 50 tasks with assignees, labels,
checklists, a few comments, subtasks and "blocked by" links (some blockers
still open), and three months of weekday time logs of its people, priced by
``services.pricing.price_logs``. The budgets are set from the priced logs, so
the spent percentages hold whatever rates the people have. A template project
(TPL) holds a starting set of columns and tasks. Then the time module's demo
timesheets, if it has them, and each project's health.

Everything is bulk written; a company that has the projects already is left as it is.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import Sum

from modules.employees.models import Employee
from modules.projects.models import (
    ChecklistItem,
    Column,
    Comment,
    Dependency,
    Label,
    Priority,
    Project,
    ProjectMember,
    Task,
    TaskAssignee,
    TaskLabel,
    TimeLog,
)
from modules.projects.services import health
from modules.projects.services.numbering import next_numbers
from modules.projects.services.pricing import price_logs
from tenants.models import User

COLUMNS = [("Todo", False, None), ("Progress", False, 5), ("Review", False, None)]
DONE_COLUMN = "Completed"
LABELS = [
    ("Frontend", "#2563eb"),
    ("Backend", "#7c3aed"),
    ("Design", "#db2777"),
    ("Bug", "#dc2626"),
    ("Docs", "#0d9488"),
    ("Infra", "#ea580c"),
]
ESTIMATES = [Decimal(h) for h in ("2", "3", "4", "6", "8", "12", "16")]
DAYS_LOGGED = 91  # three months back from yesterday
HUNDRED = Decimal("100")


@dataclass(frozen=True)
class Plan:
    code: str
    name: str
    client: str
    tasks: int
    done_pct: int  # share of the estimate in done tasks
    spent_pct: int  # budget spent, set from the priced logs
    started_days_ago: int
    due_in_days: int
    overdue: int  # open tasks already past their due date
    progress: int  # tasks in Progress (over the limit of 5 shows on the board)
    billable: bool
    bill_rate: str | None
    words: tuple[str, ...]


PLANS = [
    Plan(
        "WEB",
        "Website refresh",
        "Northwind Retail",
        40,
        65,
        58,
        90,
        60,
        0,
        4,
        True,
        "120",
        ("home page", "product pages", "checkout", "search", "blog", "newsletter sign-up"),
    ),
    Plan(
        "ERP",
        "ERP rollout",
        "Internal",
        50,
        50,
        72,
        90,
        100,
        3,
        6,
        True,
        "95",
        (
            "general ledger",
            "purchasing",
            "inventory",
            "payroll export",
            "reports",
            "data migration",
        ),
    ),
    Plan(
        "MOB",
        "Mobile app",
        "Contoso Travel",
        30,
        40,
        110,
        90,
        20,
        2,
        5,
        False,
        None,
        ("sign-in", "bookings", "offline mode", "push notices", "payments", "settings"),
    ),
]
VERBS = ["Design", "Build", "Review", "Test", "Document", "Fix", "Polish", "Plan"]
CHECKLIST = ["Agree the scope", "Write it", "Peer review", "Update the docs"]
COMMENTS = [
    "I've started on this; first draft by Thursday.",
    "Blocked on the API contract — can we meet tomorrow?",
    "Looks good to me. Moving it on.",
]
TEMPLATE_TASKS = [
    ("Kick-off meeting", 0, 1, "2"),
    ("Agree the scope and budget", 1, 5, "6"),
    ("Plan the milestones", 3, 7, "4"),
    ("First delivery", 7, 30, "40"),
    ("Client review", 30, 35, "4"),
    ("Close-out report", 35, 40, "3"),
]


def seed(tenant, stdout=None) -> None:
    if Project.objects.filter(code__in=[p.code for p in PLANS]).exists():
        return
    people = list(Employee.objects.filter(status=Employee.Status.ACTIVE).order_by("pk"))
    if len(people) < 6:
        return
    today = tenant.today()
    rng = random.Random(f"projects-{tenant.slug}")
    with transaction.atomic():
        labels = _labels(tenant)
        managers = _managers(tenant, people)
        projects = []
        for index, plan in enumerate(PLANS):
            manager = managers[index]
            members = _members(plan, manager, people, rng)
            project = _project(tenant, plan, manager, members, today, rng, labels)
            projects.append(project)
        _template(tenant, managers[0], today)
    try:
        from modules.projects.demo_timesheets import seed_timesheets
    except ImportError:  # the time module's demo is not in this build
        seed_timesheets = None
    if seed_timesheets is not None:
        seed_timesheets(tenant, stdout)
    with transaction.atomic():
        # After the timesheets: whatever time they add counts in the spent share.
        for plan, project in zip(PLANS, projects, strict=True):
            _budget(project, plan)
            health.recompute(project)
    if stdout is not None:
        logs = TimeLog.objects.filter(project__in=projects).count()
        stdout.write(
            f"  {tenant.name}: 3 projects (healthy, at risk, off track) and a template, "
            f"{Task.objects.count()} tasks, {logs} time logs"
        )


# -- who ---------------------------------------------------------------------------------


def _login_employee(tenant, email: str) -> Employee | None:
    user = User.objects.filter(email=email).first()
    if user is None:
        return None
    return Employee.objects.filter(membership__user=user).first()


def _managers(tenant, people: list[Employee]) -> list[Employee]:
    """WEB and MOB for manager@ (approvals' demo login), ERP for ceo@, else the first people."""
    manager = _login_employee(tenant, f"manager@{tenant.slug}.test") or people[1]
    ceo = _login_employee(tenant, f"ceo@{tenant.slug}.test") or people[2]
    return [manager, ceo, manager]


def _members(plan: Plan, manager: Employee, people: list[Employee], rng) -> list[Employee]:
    """The manager's reports first (requester@ among them), then others: five or six people."""
    reports = [p for p in people if p.manager_id == manager.pk]
    others = [p for p in people if p.pk != manager.pk and p not in reports]
    rng.shuffle(others)
    size = 6 if plan.tasks >= 40 else 5
    return (reports[:3] + others)[:size]


# -- one project -------------------------------------------------------------------------


def _project(tenant, plan: Plan, manager, members, today, rng, labels) -> Project:
    start = today - timedelta(days=plan.started_days_ago)
    project = Project.objects.create(
        code=plan.code,
        name=plan.name,
        client=plan.client,
        description=f"{plan.name} for {plan.client}.",
        manager=manager,
        start_date=start,
        due_date=today + timedelta(days=plan.due_in_days),
        status=Project.Status.ACTIVE,
        billable=plan.billable,
        bill_rate=Decimal(plan.bill_rate) if plan.bill_rate else None,
    )
    ProjectMember.objects.bulk_create(
        [ProjectMember(tenant=tenant, project=project, employee=person) for person in members]
    )
    columns = _columns(tenant, project)
    tasks = _tasks(tenant, plan, project, columns, members, today, rng)
    _details(tenant, tasks, members, labels, manager, rng)
    _dependencies(tenant, plan, tasks, columns, today)
    _time_logs(tenant, project, tasks, [manager, *members], columns, today, rng)
    return project


def _columns(tenant, project) -> dict[str, Column]:
    made = [
        Column(tenant=tenant, project=project, name=name, order=index, wip_limit=limit)
        for index, (name, _done, limit) in enumerate(COLUMNS)
    ]
    made.append(
        Column(tenant=tenant, project=project, name=DONE_COLUMN, order=len(COLUMNS), is_done=True)
    )
    Column.objects.bulk_create(made)
    return {column.name: column for column in made}


def _tasks(tenant, plan, project, columns, members, today, rng) -> list[Task]:
    estimates = [rng.choice(ESTIMATES) for _ in range(plan.tasks)]
    total = sum(estimates)
    # Done first, in order, until the done share of the estimate reaches the plan's.
    done_count, done_hours = 0, Decimal(0)
    while done_count < plan.tasks and done_hours * HUNDRED / total < plan.done_pct:
        done_hours += estimates[done_count]
        done_count += 1
    numbers = next_numbers(project, plan.tasks)
    start = project.start_date
    made = []
    open_index = 0
    for index, (number, estimate) in enumerate(zip(numbers, estimates, strict=True)):
        verb = VERBS[index % len(VERBS)]
        title = f"{verb} {plan.words[index % len(plan.words)]}"
        if index < done_count:
            column = columns[DONE_COLUMN]
            begin = start + timedelta(days=rng.randint(0, plan.started_days_ago - 20))
            due = begin + timedelta(days=rng.randint(5, 15))
            completed = datetime.combine(min(due, today - timedelta(days=1)), time(16))
        else:
            if open_index < plan.progress:
                column = columns["Progress"]
            elif open_index < plan.progress + 3:
                column = columns["Review"]
            else:
                column = columns["Todo"]
            begin = today - timedelta(days=rng.randint(0, 10))
            if open_index < plan.overdue:
                due = today - timedelta(days=3 + 4 * open_index)  # already late
            else:
                horizon = max(plan.due_in_days, 8)
                due = today + timedelta(days=rng.randint(7, horizon))
            completed = None
            open_index += 1
        made.append(
            Task(
                tenant=tenant,
                project=project,
                number=number,
                column=column,
                position=index + 1,
                title=title,
                description=f"{title} for {plan.name}.",
                priority=rng.choice(
                    [Priority.LOW, Priority.NORMAL, Priority.NORMAL, Priority.HIGH, Priority.URGENT]
                ),
                start_date=min(begin, due),
                due_date=due,
                estimate_hours=estimate,
                completed_at=_aware(completed) if completed else None,
            )
        )
    Task.objects.bulk_create(made)
    # Created when the project started (the burn-up reads it); bulk_update leaves auto_now_add alone.
    created = _aware(datetime.combine(start, time(9)))
    for task in made:
        task.created_at = created
    Task.objects.bulk_update(made, ["created_at"])
    # Subtasks: every seventh task is split under the one before it (same state).
    children = []
    for index in range(7, len(made), 7):
        parent, child = made[index - 1], made[index]
        if parent.column_id == child.column_id:
            child.parent = parent
            children.append(child)
    Task.objects.bulk_update(children, ["parent"])
    return made


def _aware(moment: datetime) -> datetime:
    from django.utils import timezone

    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def _details(tenant, tasks, members, labels, manager, rng) -> None:
    assignees, tagged, checklist, comments = [], [], [], []
    author = manager.membership.user if manager.membership_id else None
    for index, task in enumerate(tasks):
        for person in rng.sample(members, k=1 if index % 3 else 2):
            assignees.append(TaskAssignee(tenant=tenant, task=task, employee=person))
        for label in rng.sample(labels, k=1 + index % 2):
            tagged.append(TaskLabel(tenant=tenant, task=task, label=label))
        if index % 3 == 0:
            done = len(CHECKLIST) if task.completed_at else index % len(CHECKLIST)
            for order, text in enumerate(CHECKLIST):
                checklist.append(
                    ChecklistItem(
                        tenant=tenant, task=task, text=text, done=order < done, order=order
                    )
                )
        if index % 9 == 4:
            comments.append(
                Comment(tenant=tenant, task=task, author=author, body=COMMENTS[index % 3])
            )
    TaskAssignee.objects.bulk_create(assignees)
    TaskLabel.objects.bulk_create(tagged)
    ChecklistItem.objects.bulk_create(checklist)
    Comment.objects.bulk_create(comments)


def _dependencies(tenant, plan, tasks, columns, today) -> None:
    """Done tasks wait on done ones; two open tasks wait on open ones due earlier
    (blocked, but under a fifth of the open work and never due before their blocker)."""
    done = [t for t in tasks if t.completed_at]
    # Open tasks on their plan dates: not the ones made late on purpose.
    open_ = [t for t in tasks if not t.completed_at and t.due_date >= today]
    links = []
    for index in range(1, len(done), 4):
        links.append(Dependency(tenant=tenant, task=done[index], blocker=done[index - 1]))
    ahead = sorted(
        (t for t in open_ if t.column_id == columns["Todo"].pk),
        key=lambda t: t.due_date,
    )
    for blocker, task in [(ahead[0], ahead[-1]), (ahead[1], ahead[-2])] if len(ahead) >= 4 else []:
        if task.due_date >= blocker.due_date:
            links.append(Dependency(tenant=tenant, task=task, blocker=blocker))
    # And an open task waiting on a done one: a blocker that has been cleared.
    if done and ahead:
        links.append(Dependency(tenant=tenant, task=ahead[len(ahead) // 2], blocker=done[-1]))
    Dependency.objects.bulk_create(links, ignore_conflicts=True)


def _time_logs(tenant, project, tasks, people, columns, today, rng) -> None:
    """Weekdays of the last three months: each person one or two entries a day on
    the tasks that were under way (done ones, and those in Progress and Review)."""
    worked = [t for t in tasks if t.column_id != columns["Todo"].pk]
    logs = []
    for back in range(DAYS_LOGGED, 0, -1):
        day = today - timedelta(days=back)
        if day.weekday() >= 5 or day < project.start_date:
            continue
        for person in people:
            for _entry in range(rng.choice([1, 1, 2])):
                task = rng.choice(worked)
                logs.append(
                    TimeLog(
                        tenant=tenant,
                        task=task,
                        project=project,
                        employee=person,
                        date=day,
                        hours=Decimal(rng.choice(["0.5", "1", "1.5", "2", "2.5", "3", "4"])),
                        note=rng.choice(["", "", "Pairing", "Review", "Client call"]),
                        billable=rng.random() < 0.8,
                    )
                )
    price_logs(logs)
    TimeLog.objects.bulk_create(logs, batch_size=2000)
    totals = dict(
        TimeLog.objects.filter(project=project)
        .values("task_id")
        .annotate(total=Sum("hours"))
        .values_list("task_id", "total")
    )
    for task in tasks:
        task.hours_logged = totals.get(task.pk, Decimal(0))
    Task.objects.bulk_update(tasks, ["hours_logged"])


def _budget(project, plan) -> None:
    """Budgets that make the spent share the plan's, from what the logs cost."""
    spent = TimeLog.objects.filter(project=project).aggregate(
        cost=Sum("cost_amount"), hours=Sum("hours")
    )
    share = Decimal(plan.spent_pct) / HUNDRED
    cost, hours = spent["cost"] or Decimal(0), spent["hours"] or Decimal(0)
    project.budget_amount = (cost / share).quantize(Decimal("1"), ROUND_HALF_UP) if cost else None
    project.budget_hours = (hours / share).quantize(Decimal("1"), ROUND_HALF_UP) if hours else None
    project.save(update_fields=["budget_amount", "budget_hours"])


# -- shared ------------------------------------------------------------------------------


def _labels(tenant) -> list[Label]:
    existing = {label.name.lower(): label for label in Label.objects.all()}
    missing = [
        Label(tenant=tenant, name=name, colour=colour)
        for name, colour in LABELS
        if name.lower() not in existing
    ]
    Label.objects.bulk_create(missing)
    return [
        existing.get(name.lower()) or next(m for m in missing if m.name == name)
        for name, _c in LABELS
    ]


def _template(tenant, manager, today) -> None:
    """A template project: its columns and tasks are copied (dates shifted) into new ones."""
    start = today
    project = Project.objects.create(
        code="TPL",
        name="Client project template",
        description="Start a client project from this: the columns and the usual tasks.",
        manager=manager,
        start_date=start,
        due_date=start + timedelta(days=40),
        status=Project.Status.PLANNED,
        is_template=True,
    )
    columns = _columns(tenant, project)
    numbers = next_numbers(project, len(TEMPLATE_TASKS))
    Task.objects.bulk_create(
        [
            Task(
                tenant=tenant,
                project=project,
                number=number,
                column=columns["Todo"],
                position=number,
                title=title,
                start_date=start + timedelta(days=begin),
                due_date=start + timedelta(days=end),
                estimate_hours=Decimal(hours),
            )
            for number, (title, begin, end, hours) in zip(numbers, TEMPLATE_TASKS, strict=True)
        ]
    )
