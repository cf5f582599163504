"""The demo companies' projects (`make demo`): three live projects that land on the
health they are meant to show, a template, boards with every part a card shows,
three months of priced time; seeding twice changes nothing."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count, Q, Sum

from modules.projects.models import (
    ChecklistItem,
    Column,
    Comment,
    Dependency,
    Label,
    Project,
    ProjectMember,
    Task,
    TaskAssignee,
    TaskLabel,
    TimeLog,
)
from opsplatform.tenancy import tenant_context
from tenants.models import Tenant

pytestmark = pytest.mark.django_db

MODELS = (
    Project,
    ProjectMember,
    Column,
    Label,
    Task,
    TaskAssignee,
    TaskLabel,
    Dependency,
    ChecklistItem,
    Comment,
    TimeLog,
)
INTENDED = {"WEB": "on_track", "ERP": "at_risk", "MOB": "off_track"}


def snapshot() -> dict:
    found = {}
    for tenant in Tenant.objects.order_by("slug"):
        with tenant_context(tenant):
            for model in MODELS:
                found[(tenant.slug, model.__name__)] = model.objects.count()
            found[(tenant.slug, "hours")] = TimeLog.objects.aggregate(h=Sum("hours"))["h"]
            found[(tenant.slug, "budgets")] = list(
                Project.objects.order_by("code").values_list("code", "budget_amount")
            )
    return found


@pytest.fixture
def seeded():
    """Both demo companies, seeded twice (seeding is the slow part: few tests, each checking much)."""
    out = StringIO()
    call_command("seed_demo", stdout=out)
    first = snapshot()
    call_command("seed_demo", stdout=StringIO())
    return {"output": out.getvalue(), "first": first, "second": snapshot()}


def facts(project: Project, today) -> dict:
    """The numbers of /work/health-rules.md, worked out here from the data (not by
    services/health.py), so the demo's design is checked on its own."""
    tasks = Task.objects.filter(project=project)
    open_tasks = tasks.filter(column__is_done=False)
    done_estimate = tasks.filter(column__is_done=True).aggregate(e=Sum("estimate_hours"))["e"]
    complete = (
        float(done_estimate or 0) * 100 / float(tasks.aggregate(e=Sum("estimate_hours"))["e"])
    )
    cost = TimeLog.objects.filter(project=project).aggregate(c=Sum("cost_amount"))["c"]
    spent = float(cost) * 100 / float(project.budget_amount)
    projected = project.start_date + timedelta(
        days=(today - project.start_date).days * 100 / complete
    )
    blocked = (
        open_tasks.annotate(
            open_blockers=Count(
                "blocker_links", filter=Q(blocker_links__blocker__column__is_done=False)
            )
        )
        .filter(open_blockers__gt=0)
        .count()
    )
    late_by_blockers = Dependency.objects.filter(
        task__project=project,
        task__column__is_done=False,
        blocker__column__is_done=False,
        task__due_date__lt=models_f("blocker__due_date"),
    ).count()
    return {
        "open": open_tasks.count(),
        "overdue": open_tasks.filter(due_date__lt=today).count(),
        "complete": complete,
        "spent": spent,
        "slip": (projected - project.due_date).days,
        "blocked": blocked,
        "late_by_blockers": late_by_blockers,
    }


def models_f(name):
    from django.db.models import F

    return F(name)


def test_seeding_twice_gives_the_same_data_with_full_boards_and_the_designed_reasons(seeded):
    assert seeded["first"] == seeded["second"]
    assert seeded["first"][("acme", "Project")] == 4  # three projects and a template
    assert "3 projects (healthy, at risk, off track)" in seeded["output"]
    for slug in ("acme", "globex"):
        boards_and_time(slug)
        reasons_by_the_rules(slug)
    demo_manager_manages_two()


def boards_and_time(slug):
    tenant = Tenant.objects.get(slug=slug)
    with tenant_context(tenant):
        today = tenant.today()
        for code in INTENDED:
            project = Project.objects.get(code=code)
            columns = list(project.columns.order_by("order").values_list("name", "is_done"))
            assert columns == [
                ("Todo", False),
                ("Progress", False),
                ("Review", False),
                ("Completed", True),
            ]
            assert project.columns.get(name="Progress").wip_limit == 5
            tasks = Task.objects.filter(project=project)
            assert 25 <= tasks.count() <= 60
            assert not tasks.filter(assignments__isnull=True).exists()  # everyone's work
            assert tasks.filter(label_links__isnull=False).distinct().count() == tasks.count()
            assert tasks.filter(parent__isnull=False).exists()  # subtasks
            assert ChecklistItem.objects.filter(task__project=project).exists()
            assert Comment.objects.filter(task__project=project).exists()
            numbers = sorted(tasks.values_list("number", flat=True))
            assert numbers == list(range(1, len(numbers) + 1))
            assert project.task_sequence == len(numbers)
            open_blockers = Dependency.objects.filter(
                task__project=project, blocker__column__is_done=False
            )
            assert open_blockers.exists()
            logs = TimeLog.objects.filter(project=project)
            first, last = logs.order_by("date").values_list("date", flat=True)[:: len(logs) - 1]
            assert (today - first).days >= 85 and last < today
            assert not logs.filter(date__week_day__in=[1, 7]).exists()  # weekdays only
            assert not logs.filter(cost_amount=0).exists()  # priced
            members = set(project.memberships.values_list("employee_id", flat=True))
            assert set(logs.values_list("employee_id", flat=True)) <= members | {project.manager_id}
            hours = dict(
                logs.values("task_id").annotate(h=Sum("hours")).values_list("task_id", "h")
            )
            assert {t.pk: t.hours_logged for t in tasks if t.hours_logged} == hours
        template = Project.objects.get(is_template=True)
        assert template.columns.count() == 4 and template.tasks.count() >= 5


def reasons_by_the_rules(slug):
    tenant = Tenant.objects.get(slug=slug)
    with tenant_context(tenant):
        today = tenant.today()
        web = facts(Project.objects.get(code="WEB"), today)
        assert web["overdue"] == 0 and web["spent"] - web["complete"] < 15 and web["slip"] <= 0
        assert web["blocked"] < 0.2 * web["open"] and web["late_by_blockers"] == 0
        erp = facts(Project.objects.get(code="ERP"), today)
        assert 1 <= erp["overdue"] < 5  # at risk, not off track, by overdue work
        assert 15 <= erp["spent"] - erp["complete"] < 35 and erp["spent"] < 100
        assert erp["slip"] <= 30 and erp["late_by_blockers"] == 0
        assert Project.objects.get(code="ERP").due_date >= today
        mob = facts(Project.objects.get(code="MOB"), today)
        assert mob["spent"] >= 100 and mob["open"] > 0  # off track by budget
        assert mob["slip"] > 30  # and by a slipping schedule


def test_the_three_projects_land_on_their_intended_health(seeded):
    """Needs services/health.py's rules (the insight helper's): fails on the stub."""
    # Acme and Globex; Initech is a new company in its trial, with no projects yet.
    for tenant in Tenant.objects.filter(slug__in=["acme", "globex"]):
        with tenant_context(tenant):
            found = dict(Project.objects.filter(code__in=INTENDED).values_list("code", "health"))
            assert found == INTENDED, tenant.slug
            assert Project.objects.get(is_template=True).health == ""


def demo_manager_manages_two():
    from modules.projects.selectors.visibility import managed_projects
    from tenants.models import User

    tenant = Tenant.objects.get(slug="acme")
    with tenant_context(tenant):
        manager = User.objects.get(email="manager@acme.test")
        assert set(managed_projects(manager).values_list("code", flat=True)) >= {"WEB", "MOB"}
        assert Project.objects.get(code="WEB").budget_amount > Decimal(0)
