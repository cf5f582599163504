"""Who sees whose leave, on every path: the list, its filters and search, the
export, history, object pages, the balance page and the calendar. Hal (an
employee of Sales) tries them all."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from modules.leave.models import LeaveRequest
from opsplatform.tenancy import tenant_context
from tests.modules.leave.factories import LeaveTypeFactory
from tests.modules.leave.screens import allocate, request_leave

pytestmark = pytest.mark.django_db

LIST = "/admin/leave/leaverequest/"


def next_monday(weeks: int = 2) -> date:
    today = date.today()
    return today + timedelta(days=7 * weeks - today.weekday())


@pytest.fixture
def leave(office):
    """Approved leave of Wes (Ops, reporting to Lea, who reports to Bo) and of Hal (Sales)."""
    with tenant_context(office.tenant):
        kind = LeaveTypeFactory(name="Annual leave", code="annual", colour="#16a34a")
        wes, hal = office.employee(office.worker), office.employee(office.hostile)
        allocate(wes, kind)
        allocate(hal, kind)
        start = next_monday()
        return {
            "kind": kind,
            "wes": request_leave(office.worker, start, start + timedelta(days=2), kind),
            "hal": request_leave(office.hostile, start, start + timedelta(days=1), kind),
        }


def page(client_for, office, user, url):
    return client_for(office.tenant, user).get(url)


def test_a_manager_lists_their_indirect_reports_leave_not_other_departments(
    office, leave, client_for
):
    response = page(client_for, office, office.boss, LIST)

    assert response.status_code == 200
    assert b"Wes" in response.content
    assert b"Hal" not in response.content


def test_hr_and_the_ceo_list_everyones_leave(office, leave, client_for):
    for user in (office.hr, office.ceo, office.owner):
        content = page(client_for, office, user, LIST).content
        assert b"Wes" in content and b"Hal" in content, user


def test_an_employee_has_no_team_list(office, leave, client_for):
    assert page(client_for, office, office.hostile, LIST).status_code == 403


def test_filtering_by_another_department_shows_only_what_the_manager_may_see(
    office, leave, client_for
):
    url = f"{LIST}?department={office.sales.pk}"
    response = page(client_for, office, office.lead, url)

    assert response.status_code == 200
    assert b"Hal" not in response.content


def test_searching_for_a_hidden_person_finds_nothing(office, leave, client_for):
    response = page(client_for, office, office.lead, f"{LIST}?q=Hal")

    assert b"E-5" not in response.content


def test_the_export_holds_only_the_managers_team(office, leave, client_for):
    client = client_for(office.tenant, office.lead)
    response = client.post(f"{LIST}export/", {"format": "0", "resource": "0"})

    assert response.status_code == 200
    text = response.content.decode()
    assert "E-4" in text and "E-5" not in text


def test_the_export_escapes_formulas(office, leave, client_for):
    with tenant_context(office.tenant):
        employee = office.employee(office.worker)
        employee.first_name = "=HYPERLINK(1)"
        employee.save()
    response = client_for(office.tenant, office.hr).post(
        f"{LIST}export/", {"format": "0", "resource": "0"}
    )

    assert "'=HYPERLINK(1)" in response.content.decode()


def test_another_persons_request_page_and_history_are_404_to_a_manager_outside_the_line(
    office, leave, client_for
):
    client = client_for(office.tenant, office.lead)
    hal = leave["hal"].pk
    for url in (f"{LIST}{hal}/change/", f"{LIST}{hal}/history/"):
        assert client.get(url).status_code == 404, url
    assert client.get(f"{LIST}{leave['wes'].pk}/change/").status_code == 200


def test_nobody_writes_through_the_list(office, leave, client_for):
    client = client_for(office.tenant, office.hr)
    wes = leave["wes"]
    client.post(f"{LIST}{wes.pk}/change/", {"reason": "changed"})
    client.post(f"{LIST}{wes.pk}/delete/", {"post": "yes"})

    with tenant_context(office.tenant):
        assert LeaveRequest.objects.get(pk=wes.pk).reason == ""
    assert client.get(f"{LIST}add/").status_code == 403


def test_a_colleagues_balance_page_by_url_is_404(office, leave, client_for):
    with tenant_context(office.tenant):
        wes = office.employee(office.worker)
    response = page(
        client_for, office, office.hostile, f"/admin/leave/leaverequest/balance/{wes.pk}/"
    )

    assert response.status_code == 404


def test_a_manager_reads_a_reports_balance_and_hr_reads_anyones(office, leave, client_for):
    with tenant_context(office.tenant):
        wes, hal = office.employee(office.worker), office.employee(office.hostile)
    url = "/admin/leave/leaverequest/balance/{}/"

    assert page(client_for, office, office.boss, url.format(wes.pk)).status_code == 200
    assert page(client_for, office, office.boss, url.format(hal.pk)).status_code == 404
    assert page(client_for, office, office.hr, url.format(hal.pk)).status_code == 200


def test_the_ceo_and_finance_see_requests_but_not_the_ledger(office, leave, client_for):
    with tenant_context(office.tenant):
        wes = office.employee(office.worker)
    for user in (office.ceo, office.finance):
        balance = page(client_for, office, user, f"/admin/leave/leaverequest/balance/{wes.pk}/")
        assert balance.status_code == 404, user
        assert b"Wes" in page(client_for, office, user, LIST).content


def test_my_leave_shows_my_balance_and_requests_only(office, leave, client_for):
    response = page(client_for, office, office.worker, "/admin/leave/leaverequest/mine/")

    assert response.status_code == 200
    content = response.content.decode()
    assert leave["wes"].approval.reference in content
    assert leave["hal"].approval.reference not in content
    assert "Approved" in content


def test_the_calendar_of_a_department_one_does_not_manage_is_empty(office, leave, client_for):
    start = leave["wes"].start_date
    url = f"/admin/leave/leaverequest/calendar/?year={start.year}&month={start.month}"

    hal = page(client_for, office, office.hostile, url)
    lea = page(client_for, office, office.lead, f"{url}&department={office.sales.pk}")

    assert hal.status_code == 403
    assert lea.status_code == 200
    assert b'data-employee="' not in lea.content


def test_the_calendar_shows_a_managers_team_only(office, leave, client_for):
    start = leave["wes"].start_date
    url = f"/admin/leave/leaverequest/calendar/?year={start.year}&month={start.month}"
    content = page(client_for, office, office.lead, url).content.decode()

    assert "Wes" in content and "Hal" not in content


def test_another_companys_ids_are_404(office, leave, tenant_b, owner_b, client_for):
    with tenant_context(office.tenant):
        wes = office.employee(office.worker)
    client = client_for(tenant_b, owner_b)

    assert client.get(f"{LIST}{leave['wes'].pk}/change/").status_code == 404
    assert client.get(f"{LIST}{leave['wes'].pk}/history/").status_code == 404
    assert client.get(f"/admin/leave/leaverequest/balance/{wes.pk}/").status_code == 404


def test_a_balance_id_that_is_not_a_number_is_404(office, client_for):
    response = page(client_for, office, office.hr, "/admin/leave/leaverequest/balance/x'1/")

    assert response.status_code == 404


def test_names_in_the_list_link_to_balances_only_for_those_who_may_read_them(
    office, leave, client_for
):
    with tenant_context(office.tenant):
        wes = office.employee(office.worker)
    balance = f"/admin/leave/leaverequest/balance/{wes.pk}/"

    assert balance in page(client_for, office, office.boss, LIST).content.decode()
    assert balance in page(client_for, office, office.hr, LIST).content.decode()
    assert balance not in page(client_for, office, office.finance, LIST).content.decode()
