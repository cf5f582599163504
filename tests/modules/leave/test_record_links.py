"""An employee's page links to their leave balance through the module contract
(RecordLink), for exactly those who may read that balance: the employees module
never names leave."""

from __future__ import annotations

import pytest

from opsplatform.tenancy import tenant_context

pytestmark = pytest.mark.django_db


def employee_page(office, client_for, viewer, person):
    with tenant_context(office.tenant):
        employee = office.employee(person)
    response = client_for(office.tenant, viewer).get(
        f"/admin/employees/employee/{employee.pk}/change/"
    )
    return employee, response


def test_hr_and_the_line_manager_see_the_link_to_the_balance(office, client_for):
    for viewer in (office.hr, office.lead):
        employee, response = employee_page(office, client_for, viewer, office.worker)
        assert response.status_code == 200
        assert response.context["record_links"] == [
            {
                "title": "Leave balance",
                "icon": "beach_access",
                "url": f"/admin/leave/leaverequest/balance/{employee.pk}/",
            }
        ]
        assert f'href="/admin/leave/leaverequest/balance/{employee.pk}/"' in response.text


def test_finance_reads_the_record_but_gets_no_link_to_a_balance_it_may_not_read(office, client_for):
    employee, response = employee_page(office, client_for, office.finance, office.worker)

    assert response.status_code == 200
    assert response.context["record_links"] == []
    assert "/admin/leave/leaverequest/balance/" not in response.text
    # And the page the link would open stays closed to them.
    balance = client_for(office.tenant, office.finance).get(
        f"/admin/leave/leaverequest/balance/{employee.pk}/"
    )
    assert balance.status_code in (403, 404)
