"""A member opens the organisation chart in a real browser: the top of the chart,
a click that fetches one person's reports, "show more", a search that reveals a
reporting line; under the Content-Security-Policy, in English and in Arabic."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from modules.employees.models import Employee
from opsplatform.tenancy import tenant_context
from tests.conftest import PASSWORD
from tests.modules.employees.factories import EmployeeFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHART = "/admin/employees/employee/org-chart/"
ARABIC_SCREENSHOT = "/tmp/org_chart_arabic.png"
LISTEN = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI}`);
});
"""


@pytest.fixture
def company(tenant_a):
    """Ada runs Acme; Bruno reports to her and has 52 reports of his own."""
    with tenant_context(tenant_a):
        ada = EmployeeFactory(first_name="Ada", last_name="Achebe")
        bruno = EmployeeFactory(first_name="Bruno", last_name="Baker", manager=ada)
        Employee.objects.bulk_create(
            Employee(
                tenant=tenant_a,
                employee_number=f"T-{i:02d}",
                first_name=f"Team{i:02d}",
                last_name="Member",
                manager=bruno,
            )
            for i in range(52)
        )
    return {"ada": ada, "bruno": bruno}


@pytest.fixture
def member(tenant_a, make_member):
    return make_member(tenant_a, "emp@acme.test")


def node(page, person):
    return page.locator(f'li[data-person-id="{person.pk}"]')


def own(page, person, testid: str):
    """An element of the person's own row (not of a report's row below them)."""
    return node(page, person).locator(f':scope > .org-row [data-testid="{testid}"]')


def test_a_member_opens_the_chart_one_level_at_a_time(
    tenant_a, company, member, page, log_in, url_on
):
    ada, bruno = company["ada"], company["bruno"]
    page.add_init_script(LISTEN)
    log_in(tenant_a, member.email, PASSWORD)
    page.goto(url_on(tenant_a, CHART))

    tree = page.get_by_test_id("org-tree")
    expect(tree.get_by_test_id("org-name")).to_have_text(["Ada Achebe"])
    expect(own(page, ada, "org-count")).to_have_text("1 report")

    own(page, ada, "org-toggle").click()
    expect(node(page, bruno)).to_be_visible()
    expect(own(page, bruno, "org-count")).to_have_text("52 reports")

    own(page, bruno, "org-toggle").click()
    team = node(page, bruno).get_by_test_id("org-person")
    expect(team).to_have_count(50)
    node(page, bruno).get_by_test_id("org-more").click()
    expect(team).to_have_count(52)
    expect(team.last).to_contain_text("Team51 Member")

    # Closing and opening again shows the same people without fetching them twice.
    toggle = own(page, bruno, "org-toggle")
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(team.first).to_be_hidden()
    toggle.click()
    expect(team).to_have_count(52)
    assert page.evaluate("window.__cspViolations") == []


def test_a_search_reveals_a_reporting_line_and_show_all_loads_the_rest(
    tenant_a, company, member, page, log_in, url_on
):
    log_in(tenant_a, member.email, PASSWORD)
    page.goto(url_on(tenant_a, CHART))

    search = page.get_by_test_id("org-search")
    search.get_by_role("searchbox").fill("team07")
    with page.expect_navigation():
        search.get_by_role("button", name="Find").click()
    with page.expect_navigation():
        page.get_by_test_id("org-matches").get_by_role("link", name="Team07 Member").click()

    tree = page.get_by_test_id("org-tree")
    expect(tree.get_by_test_id("org-name")).to_have_text(
        ["Ada Achebe", "Bruno Baker", "Team07 Member"]
    )
    node(page, company["bruno"]).get_by_test_id("org-show-all").click()
    expect(node(page, company["bruno"]).get_by_test_id("org-person")).to_have_count(50)


def test_in_arabic_the_chart_grows_from_the_right(tenant_a, company, member, page, log_in, url_on):
    member.language = "ar"
    member.save()
    log_in(tenant_a, member.email, PASSWORD)
    page.goto(url_on(tenant_a, CHART))
    expect(page.locator("html")).to_have_attribute("dir", "rtl")

    ada, bruno = company["ada"], company["bruno"]
    own(page, ada, "org-toggle").click()
    expect(node(page, bruno)).to_be_visible()

    panel = page.locator(f"#org-p{company['ada'].pk}")
    # The reports hang from the right edge: the line and the indent are on the right.
    assert panel.evaluate("e => getComputedStyle(e).borderRightWidth") == "1px"
    assert panel.evaluate("e => getComputedStyle(e).borderLeftWidth") == "0px"
    ada_box = own(page, ada, "org-name").bounding_box()
    bruno_box = own(page, bruno, "org-name").bounding_box()
    assert bruno_box["x"] + bruno_box["width"] < ada_box["x"] + ada_box["width"]
    page.screenshot(path=ARABIC_SCREENSHOT, full_page=True)
