"""A project member's day in Chromium (issue 12): add a task that is already late,
see the project go at risk, drag the card across the board to Completed, log
time against it, and see the analytics page's hours, task counts and health
follow.

The board needs the workspace websocket, so the project's own ASGI application
is served under uvicorn, as in test_projects_board.py (its fixture is reused).
"""

# The fixtures ``team`` and ``asgi_server`` are imported, and named as parameters below.
# ruff: noqa: F811

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from modules.projects.models import Project, Task
from modules.projects.services.health import recompute
from opsplatform.tenancy import tenant_context
from tests.browser.test_projects_board import asgi_server  # noqa: F401  (the fixture)
from tests.conftest import PASSWORD
from tests.modules.projects.conftest import team  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

URLCONF = "opsplatform.urls.tenant"


def _url(team, port: int, name: str, *args) -> str:
    path = reverse(f"admin:{name}", args=args, urlconf=URLCONF)
    return f"http://{team.tenant.slug}.localhost:{port}{path}"


def _analytics(page, team, port: int) -> dict:
    """What the analytics page shows: the health line and the figures a person reads."""
    page.goto(_url(team, port, "projects_analytics", team.project.pk))
    expect(page.get_by_test_id("project-analytics")).to_be_visible()
    health = page.get_by_test_id("health")
    return {
        "health": health.inner_text(),
        "hours": page.get_by_test_id("kpi-hours").inner_text().strip(),
        "completed": page.get_by_test_id("kpi-completed").inner_text().strip(),
        "behind": page.get_by_test_id("kpi-behind").inner_text().strip(),
        "people": page.locator("[data-testid=people], :text('No time logged in this period.')")
        .first.inner_text()
        .strip(),
    }


def test_a_member_adds_a_late_task_drags_it_to_done_logs_time_and_the_analytics_follow(
    team, page, asgi_server
):
    port = asgi_server
    with tenant_context(team.tenant):
        # Dates around the company's today, so the test reads the same any day.
        today = team.tenant.today()
        Project.objects.filter(pk=team.project.pk).update(
            start_date=today - timedelta(days=30), due_date=today + timedelta(days=60)
        )
        team.project.refresh_from_db()
        recompute(team.project)  # the state the daily sweep leaves: on track, nothing done
        max_ = team.employee(team.member)
    due = today - timedelta(days=3)

    # Signed in through the login page, as Max, a member of WEB.
    page.goto(_url(team, port, "index"))
    page.fill("input[name=username]", team.member.email)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.locator("#login-form button[type=submit]").click()

    before = _analytics(page, team, port)
    assert before["health"].startswith("Health")
    assert "On track" in before["health"]
    assert "0% complete" in before["health"]
    assert before["hours"] == "0.00"
    assert before["completed"] == "0"
    assert before["behind"] == "0"
    assert before["people"] == "No time logged in this period."

    # The task, through the add form, due three days ago.
    page.goto(_url(team, port, "projects_task_add") + f"?project={team.project.pk}")
    page.fill("input[name=title]", "Write the launch post")
    page.locator("select[name=column]").select_option(label="Todo")
    page.fill("input[name=start_date]", (due - timedelta(days=7)).isoformat())
    page.fill("input[name=due_date]", due.isoformat())
    page.fill("input[name=estimate_hours]", "3")
    with page.expect_navigation():
        page.locator("button[name=_save]").click()
    expect(page.locator("#main, main").first).to_contain_text("Write the launch post")
    with tenant_context(team.tenant):
        task = Task.objects.get(project=team.project, title="Write the launch post")
        reference = task.reference

    late = _analytics(page, team, port)
    assert "At risk" in late["health"]
    assert "1 task overdue" in late["health"]
    assert late["behind"] == "1"
    expect(page.get_by_test_id("behind")).to_contain_text(f"{reference} Write the launch post")
    expect(page.get_by_test_id("behind")).to_contain_text("Overdue by 3 days")

    # The board: Todo → Progress → Completed, each drop saved.
    page.goto(_url(team, port, "projects_board", team.project.pk))
    expect(page.get_by_test_id("board")).to_be_visible()

    def column(name):
        return page.locator(f'[data-column="{team.columns[name].pk}"]')

    card = page.locator(f'[data-task="{task.pk}"]')
    expect(column("Todo").locator(f'[data-task="{task.pk}"]')).to_be_visible()
    for target in ("Progress", "Completed"):
        with page.expect_response(lambda r: "/move/" in r.url) as answer:
            card.drag_to(column(target).locator("[data-cards]"))
        assert answer.value.ok, answer.value.text()
        expect(column(target).locator(f'[data-task="{task.pk}"]')).to_be_visible()
    expect(column("Todo").locator("[data-count]")).to_have_text("0")
    expect(column("Completed").locator("[data-count]")).to_have_text("1")

    # Two and a half hours against it, through the time log form.
    page.goto(_url(team, port, "projects_timelog_add"))
    page.locator("select[name=task]").select_option(label=f"{reference} Write the launch post")
    page.fill("input[name=date]", today.isoformat())
    page.fill("input[name=hours]", "2.5")
    with page.expect_navigation():
        page.locator("button[name=_save]").click()
    expect(page.locator("#main, main").first).to_contain_text("Write the launch post")

    after = _analytics(page, team, port)
    assert "On track" in after["health"]
    assert "100% complete" in after["health"]
    assert "overdue" not in after["health"]
    assert after["hours"] == "2.50"
    assert after["completed"] == "1"
    assert after["behind"] == "0"
    expect(page.get_by_test_id("people")).to_contain_text(max_.full_name)
    expect(page.get_by_test_id("people")).to_contain_text("2.50")
    expect(page.get_by_text("Nothing is behind schedule.")).to_be_visible()
