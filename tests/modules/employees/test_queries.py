"""The people screens cost the same number of queries whatever the number of
people (no query per row)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from opsplatform.tenancy import tenant_context
from tenants.roles import RoleCode
from tests.modules.employees.factories import (
    DepartmentFactory,
    EmployeeDocumentFactory,
    EmployeeFactory,
    PositionFactory,
    WorkLocationFactory,
    WorkScheduleFactory,
)

pytestmark = pytest.mark.django_db


def add_people(tenant, count: int, manager=None) -> list:
    """People each with their own department, position, location, schedule and manager."""
    people = []
    with tenant_context(tenant):
        for _ in range(count):
            department = DepartmentFactory()
            people.append(
                EmployeeFactory(
                    department=department,
                    position=PositionFactory(department=department),
                    location=WorkLocationFactory(),
                    schedule=WorkScheduleFactory(),
                    manager=manager or (people[-1] if people else None),
                )
            )
    return people


def queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    return len(captured.captured_queries)


def assert_constant(client, url: str, grow) -> None:
    client.get(url)  # warm per-process caches (content types, sidebar)
    few = queries_for(client, url)
    grow()
    many = queries_for(client, url)
    assert many == few, f"{url}: {few} queries with few rows, {many} with many"


@pytest.fixture
def hr_client(tenant_a, hr_a, client_for):
    return client_for(tenant_a, hr_a)


def test_employee_list_costs_the_same_with_5_and_60_people(tenant_a, hr_client):
    add_people(tenant_a, 5)

    assert_constant(hr_client, "/admin/employees/employee/", lambda: add_people(tenant_a, 55))


def test_employee_list_search_and_filters_cost_the_same_at_any_size(tenant_a, hr_client):
    people = add_people(tenant_a, 5)
    url = f"/admin/employees/employee/?status=active&q=First&manager={people[0].pk}"

    assert_constant(hr_client, url, lambda: add_people(tenant_a, 55, manager=people[0]))


def test_a_managers_team_list_costs_the_same_with_5_and_60_reports(
    tenant_a, make_member, link_login, client_for
):
    boss = add_people(tenant_a, 1)[0]
    user = make_member(tenant_a, "boss@acme.test", roles=[RoleCode.MANAGER])
    link_login(tenant_a, user, boss)
    add_people(tenant_a, 5, manager=boss)

    assert_constant(
        client_for(tenant_a, user),
        "/admin/employees/employee/",
        lambda: add_people(tenant_a, 55, manager=boss),
    )


def test_a_managers_team_list_sends_no_list_of_ids(tenant_a, make_member, link_login, client_for):
    boss = add_people(tenant_a, 1)[0]
    user = make_member(tenant_a, "boss@acme.test", roles=[RoleCode.MANAGER])
    link_login(tenant_a, user, boss)
    client = client_for(tenant_a, user)

    def longest_query() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/admin/employees/employee/").status_code == 200
        return max(len(q["sql"]) for q in captured.captured_queries)

    add_people(tenant_a, 5, manager=boss)
    few = longest_query()
    add_people(tenant_a, 55, manager=boss)

    # The team is walked by the database (a subquery), not sent as 60 ids.
    assert longest_query() == few


def test_change_page_costs_the_same_with_1_and_20_documents(tenant_a, hr_client):
    person = add_people(tenant_a, 2)[1]
    with tenant_context(tenant_a):
        EmployeeDocumentFactory(employee=person)

    def more_documents():
        with tenant_context(tenant_a):
            for _ in range(19):
                EmployeeDocumentFactory(employee=person)

    assert_constant(hr_client, f"/admin/employees/employee/{person.pk}/change/", more_documents)


ORG_CHART = "/admin/employees/employee/org-chart/"


@pytest.mark.parametrize("mode", ["manager", "department"])
def test_org_chart_costs_the_same_with_5_and_60_people(mode, tenant_a, hr_client):
    add_people(tenant_a, 5)

    assert_constant(hr_client, f"{ORG_CHART}?by={mode}", lambda: add_people(tenant_a, 55))


def test_org_chart_top_level_costs_the_same_with_5_and_60_people_at_the_top(tenant_a, hr_client):
    def tops(n):
        with tenant_context(tenant_a):
            for _ in range(n):
                EmployeeFactory(department=DepartmentFactory(), position=PositionFactory())

    tops(5)

    assert_constant(hr_client, ORG_CHART, lambda: tops(55))


def test_opening_an_org_chart_node_costs_the_same_with_5_and_60_reports(tenant_a, hr_client):
    boss = add_people(tenant_a, 1)[0]
    add_people(tenant_a, 5, manager=boss)

    assert_constant(
        hr_client,
        f"{ORG_CHART}nodes/?list=reports&of={boss.pk}",
        lambda: add_people(tenant_a, 55, manager=boss),
    )


def test_opening_a_department_costs_the_same_with_5_and_60_people(tenant_a, hr_client):
    with tenant_context(tenant_a):
        department = DepartmentFactory()

    def join(n):
        with tenant_context(tenant_a):
            for _ in range(n):
                EmployeeFactory(department=department, position=PositionFactory())
                DepartmentFactory(parent=department)

    join(5)
    for kind in ("members", "subdepartments"):
        assert_constant(
            hr_client, f"{ORG_CHART}nodes/?list={kind}&of={department.pk}", lambda: join(55)
        )


def test_revealing_a_reporting_line_costs_the_same_5_and_60_levels_deep(tenant_a, hr_client):
    line = add_people(tenant_a, 5)  # each person manages the next

    def deeper():
        with tenant_context(tenant_a):
            above = [EmployeeFactory()]
            for _ in range(54):
                above.append(EmployeeFactory(manager=above[-1]))
            # The same person, now at the bottom of a 60-deep line.
            line[0].manager = above[-1]
            line[0].save()

    assert_constant(hr_client, f"{ORG_CHART}?focus={line[4].pk}", deeper)


def test_department_list_costs_the_same_at_any_size(tenant_a, hr_client):
    add_people(tenant_a, 5)

    assert_constant(hr_client, "/admin/employees/department/", lambda: add_people(tenant_a, 45))


def test_document_list_costs_the_same_at_any_size(tenant_a, hr_client):
    def documents(n):
        with tenant_context(tenant_a):
            for _ in range(n):
                EmployeeDocumentFactory()

    documents(3)

    assert_constant(hr_client, "/admin/employees/employeedocument/", lambda: documents(40))


def test_export_costs_the_same_with_5_and_60_people(tenant_a, hr_client):
    add_people(tenant_a, 5)

    def export_queries():
        with CaptureQueriesContext(connection) as captured:
            response = hr_client.post(
                "/admin/employees/employee/export/", {"format": "0", "resource": "0"}
            )
        assert response.status_code == 200
        return len(captured.captured_queries)

    export_queries()
    few = export_queries()
    add_people(tenant_a, 55)
    assert export_queries() == few
