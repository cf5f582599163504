"""The organisation chart opens one level at a time: the page shows the top of the
chart with counts, each node's children come from a paged fragment, and a search
reveals one person's reporting line. Nothing of another company, nothing the
chart hides, on any of those URLs."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from modules.employees import services
from modules.employees.models import Employee
from modules.employees.selectors import ORG_CHART_PAGE_SIZE
from opsplatform.tenancy import tenant_context
from tests.modules.employees.factories import DepartmentFactory, EmployeeFactory, PositionFactory

pytestmark = pytest.mark.django_db

PAGE = "/admin/employees/employee/org-chart/"
NODES = "/admin/employees/employee/org-chart/nodes/"


def person(first: str, last: str = "", **fields) -> Employee:
    return EmployeeFactory(first_name=first, last_name=last, **fields)


def names(html: str) -> list[str]:
    return re.findall(r'data-testid="org-name">([^<]*)<', html)


def counts(html: str) -> list[str]:
    return re.findall(r'data-testid="org-count">([^<]*)<', html)


def more_url(html: str) -> str | None:
    found = re.search(r'data-org-more-url="([^"]*)"', html)
    return found.group(1).replace("&amp;", "&") if found else None


@pytest.fixture
def company(tenant_a):
    """Ada runs Acme; Bruno and Chen report to her; Dana and Eli report to Bruno."""
    with tenant_context(tenant_a):
        ada = person("Ada", "Achebe")
        bruno = person("Bruno", "Baker", manager=ada)
        chen = person("Chen", "Cole", manager=ada)
        dana = person("Dana", "Diaz", manager=bruno)
        eli = person("Eli", "Evans", manager=bruno)
    return {"ada": ada, "bruno": bruno, "chen": chen, "dana": dana, "eli": eli}


@pytest.fixture
def member(tenant_a, make_member, client_for):
    """A plain employee of Acme: the chart is open to every member."""
    return client_for(tenant_a, make_member(tenant_a, "emp@acme.test"))


def get(client, url, **params):
    response = client.get(url, params)
    return response, response.content.decode()


# -- the first page ------------------------------------------------------------------


def test_first_page_shows_the_top_of_the_chart_with_counts_and_nobody_below(company, member):
    response, html = get(member, PAGE)

    assert response.status_code == 200
    assert names(html) == ["Ada Achebe"]
    assert counts(html) == ["2 reports"]
    assert "Dana" not in html and "Bruno" not in html


def test_a_person_whose_manager_left_is_at_the_top(tenant_a, company, member):
    with tenant_context(tenant_a):
        Employee.objects.filter(pk=company["bruno"].pk).update(status=Employee.Status.TERMINATED)

    _, html = get(member, PAGE)

    assert names(html) == ["Ada Achebe", "Dana Diaz", "Eli Evans"]
    assert counts(html) == ["1 report"]  # Ada: Chen only; Bruno has left


def test_the_top_level_is_paged(tenant_a, member):
    with tenant_context(tenant_a):
        for i in range(ORG_CHART_PAGE_SIZE + 3):
            person(f"Top{i:02d}", "Person")

    _, html = get(member, PAGE)

    assert len(names(html)) == ORG_CHART_PAGE_SIZE
    _, rest = get(member, more_url(html))
    assert names(rest) == ["Top50 Person", "Top51 Person", "Top52 Person"]
    assert more_url(rest) is None


# -- opening a node ----------------------------------------------------------------------


def test_opening_a_person_lists_their_reports_with_their_own_counts(company, member):
    response, html = get(member, NODES, list="reports", of=company["ada"].pk)

    assert response.status_code == 200
    assert names(html) == ["Bruno Baker", "Chen Cole"]
    assert counts(html) == ["2 reports"]  # Bruno's; Chen has none, so no toggle either
    assert html.count('data-testid="org-toggle"') == 1
    assert "<html" not in html  # a fragment, not a page


def test_reports_come_fifty_at_a_time_with_show_more(tenant_a, member):
    with tenant_context(tenant_a):
        boss = person("Boss")
        for i in range(ORG_CHART_PAGE_SIZE + 5):
            person(f"Report{i:02d}", "Team", manager=boss)

    _, first = get(member, NODES, list="reports", of=boss.pk)
    _, second = get(member, more_url(first))

    assert len(names(first)) == ORG_CHART_PAGE_SIZE
    assert "Show more (50 shown)" in first
    assert names(second) == [f"Report{i} Team" for i in range(50, 55)]
    assert more_url(second) is None
    assert set(names(first)).isdisjoint(names(second))


def test_a_person_who_left_is_not_on_the_chart(tenant_a, company, member):
    with tenant_context(tenant_a):
        Employee.objects.filter(pk=company["eli"].pk).update(status=Employee.Status.TERMINATED)

    _, html = get(member, NODES, list="reports", of=company["bruno"].pk)
    assert names(html) == ["Dana Diaz"]
    assert get(member, NODES, list="reports", of=company["eli"].pk)[0].status_code == 404
    assert get(member, PAGE, focus=company["eli"].pk)[0].status_code == 404


def test_another_companys_people_and_departments_are_not_found(tenant_a, tenant_b, company, member):
    with tenant_context(tenant_b):
        boss = person("Globex", "Boss")
        person("Globex", "Worker", manager=boss)
        department = DepartmentFactory(name="Globex R&D")
        person("Globex", "Engineer", department=department)

    for params in (
        {"list": "reports", "of": boss.pk},
        {"list": "members", "of": department.pk},
        {"list": "subdepartments", "of": department.pk},
    ):
        response, html = get(member, NODES, **params)
        assert response.status_code == 404, params
        assert "Globex" not in html
    response, html = get(member, PAGE, focus=boss.pk)
    assert response.status_code == 404 and "Globex" not in html
    _, html = get(member, PAGE, q="Globex")
    assert 'data-testid="org-no-match"' in html


def test_a_member_of_another_company_cannot_open_the_fragments(
    tenant_a, company, owner_b, client_for
):
    outsider = client_for(tenant_a, owner_b)  # Globex's owner on Acme's host

    response = outsider.get(NODES, {"list": "reports", "of": company["ada"].pk})

    assert response.status_code in (302, 403)
    assert "Bruno" not in response.content.decode()


def test_the_fragments_answer_get_only_and_refuse_hand_made_urls(company, member):
    assert member.post(NODES + f"?list=reports&of={company['ada'].pk}").status_code == 405
    assert get(member, NODES, list="everyone")[0].status_code == 404
    assert get(member, NODES, list="reports", of="x")[0].status_code == 404
    assert get(member, NODES, list="reports", of=company["ada"].pk, page="0")[0].status_code == 404
    assert get(member, PAGE, focus="-1")[0].status_code == 404


def test_the_chart_shows_no_salary_even_to_hr(tenant_a, hr_a, client_for):
    with tenant_context(tenant_a):
        boss = person("Ada", salary=Decimal("98765.43"), salary_currency="USD")
        person("Bruno", manager=boss, salary=Decimal("87654.32"), salary_currency="USD")
    hr = client_for(tenant_a, hr_a)

    for url, params in (
        (PAGE, {}),
        (PAGE, {"focus": boss.pk}),
        (NODES, {"list": "reports", "of": boss.pk}),
    ):
        _, html = get(hr, url, **params)
        assert "98765" not in html and "87654" not in html


# -- finding a person ----------------------------------------------------------------


def test_search_finds_people_by_any_part_of_their_name(company, member):
    _, html = get(member, PAGE, q="dana d")

    assert 'data-testid="org-matches"' in html
    assert f"focus={company['dana'].pk}" in html
    assert "Eli Evans" not in html.split('data-testid="org-tree"')[0]


def test_revealing_a_person_opens_their_reporting_line_and_nothing_beside_it(company, member):
    _, html = get(member, PAGE, focus=company["dana"].pk)

    assert 'data-testid="org-focus"' in html
    assert names(html) == ["Ada Achebe", "Bruno Baker", "Dana Diaz"]  # not Chen, not Eli
    dana = company["dana"].pk
    assert f'org-focused" data-testid="org-person" data-person-id="{dana}"' in html
    # Each manager on the line offers all of their reports.
    assert "Show all 2 reports" in html


def test_revealing_a_manager_also_shows_their_first_reports(company, member):
    _, html = get(member, PAGE, focus=company["bruno"].pk)

    assert names(html) == ["Ada Achebe", "Bruno Baker", "Dana Diaz", "Eli Evans"]


def test_the_line_starts_below_a_manager_who_left(tenant_a, company, member):
    with tenant_context(tenant_a):
        Employee.objects.filter(pk=company["ada"].pk).update(status=Employee.Status.TERMINATED)

    _, html = get(member, PAGE, focus=company["dana"].pk)

    assert names(html) == ["Bruno Baker", "Dana Diaz"]


# -- by department -------------------------------------------------------------------------


@pytest.fixture
def departments(tenant_a):
    """Engineering holds Platform; Sales is alone; one person has no department."""
    with tenant_context(tenant_a):
        engineering = DepartmentFactory(name="Engineering")
        platform = DepartmentFactory(name="Platform", parent=engineering)
        sales = DepartmentFactory(name="Sales")
        lead = person("Lina", "Lead", department=engineering)
        engineering.head = lead
        services.department_save(department=engineering)
        person("Pia", "Platform", department=platform, position=PositionFactory(title="SRE"))
        person("Sam", "Seller", department=sales)
        person("Nia", "Nowhere")
    return {"engineering": engineering, "platform": platform, "sales": sales}


def test_department_view_shows_top_departments_with_counts(departments, member):
    _, html = get(member, PAGE, by="department")

    assert names(html) == ["Engineering", "Sales", "No department"]
    assert counts(html) == ["1 person", "1 person", "1 person"]
    assert html.count("1 sub-department") == 1  # Engineering's Platform
    assert "head: Lina Lead" in html
    assert "Platform" not in html and "Pia" not in html


def test_opening_a_department_lists_its_sub_departments_and_people(departments, member):
    engineering = departments["engineering"].pk
    _, subs = get(member, NODES, list="subdepartments", of=engineering)
    _, people = get(member, NODES, list="members", of=departments["platform"].pk)
    _, nowhere = get(member, NODES, list="members", of="none")

    assert names(subs) == ["Platform"]
    assert names(people) == ["Pia Platform"]
    assert "SRE" in people
    assert names(nowhere) == ["Nia Nowhere"]


def test_a_departments_people_are_paged(tenant_a, member):
    with tenant_context(tenant_a):
        big = DepartmentFactory(name="Operations")
        for i in range(ORG_CHART_PAGE_SIZE + 1):
            person(f"Op{i:02d}", department=big)

    _, first = get(member, NODES, list="members", of=big.pk)
    _, second = get(member, more_url(first))

    assert len(names(first)) == ORG_CHART_PAGE_SIZE
    assert names(second) == ["Op50"]
