"""Pages that once listed the whole company in one go now search or show a page:
the successor of a leaver, the reports who move with them, the department of a
position and the department filters."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from modules.employees.models import Employee
from opsplatform.tenancy import tenant_context
from tests.modules.employees.factories import DepartmentFactory, EmployeeFactory, PositionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def big_team(tenant_a):
    """Lena leads 55 people; 10 more work elsewhere."""
    with tenant_context(tenant_a):
        lena = EmployeeFactory(first_name="Lena", last_name="Lead")
        team = [
            EmployeeFactory(first_name=f"Member{i:02d}", last_name="Team", manager=lena)
            for i in range(55)
        ]
        others = [EmployeeFactory(first_name=f"Other{i}") for i in range(10)]
    return {"lena": lena, "team": team, "others": others}


def options(html: str, name: str) -> list[str]:
    select = re.search(rf'<select[^>]*name="{name}".*?</select>', html, re.S)
    assert select, f"no select named {name}"
    return re.findall(r"<option[^>]*value=\"(\d+)\"", select.group(0))


def test_the_successor_is_searched_not_listed(tenant_a, hr_a, big_team, client_for):
    url = reverse("admin:employees_employee_terminate_action", args=[big_team["lena"].pk])

    html = client_for(tenant_a, hr_a).get(url).content.decode()

    assert options(html, "successor") == []  # no option per person: search as you type
    assert 'class="admin-autocomplete' in html and 'data-model-name="employee"' in html


def test_the_successor_search_finds_people_and_the_form_takes_them(
    tenant_a, hr_a, big_team, client_for
):
    client = client_for(tenant_a, hr_a)
    found = client.get(
        reverse("admin:autocomplete"),
        {
            "term": "Member07",
            "app_label": "employees",
            "model_name": "employee",
            "field_name": "manager",
        },
    ).json()
    successor = big_team["team"][7]
    assert [row["id"] for row in found["results"]] == [str(successor.pk)]

    url = reverse("admin:employees_employee_terminate_action", args=[big_team["lena"].pk])
    response = client.post(
        url, {"end_date": "2026-12-31", "reason": "Moved on", "successor": successor.pk}
    )

    assert response.status_code == 302
    with tenant_context(tenant_a):
        assert Employee.objects.filter(manager=successor).count() == 54


def test_the_leavers_reports_show_fifty_and_say_how_many_more(tenant_a, hr_a, big_team, client_for):
    url = reverse("admin:employees_employee_terminate_action", args=[big_team["lena"].pk])

    html = client_for(tenant_a, hr_a).get(url).content.decode()
    reports = html.split('data-testid="terminate-reports"')[1].split("</div>")[0]

    assert "55 people report to them and will move" in reports
    assert reports.count("<li>") == 50
    assert "… and 5 more." in reports


def test_department_choices_are_searched_not_listed(tenant_a, hr_a, client_for):
    with tenant_context(tenant_a):
        departments = [DepartmentFactory() for _ in range(30)]
        position = PositionFactory(department=departments[0])
    client = client_for(tenant_a, hr_a)

    change = client.get(f"/admin/employees/position/{position.pk}/change/").content.decode()
    positions = client.get("/admin/employees/position/").content.decode()
    people = client.get("/admin/employees/employee/").content.decode()

    assert options(change, "department") == [str(departments[0].pk)]  # the current one only
    for listing in (positions, people):
        assert departments[5].name not in listing
