"""Who sees and changes which people, through the admin as each role would."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from modules.employees.models import Employee
from opsplatform.tenancy import tenant_context
from tenants.models import Membership
from tenants.roles import RoleCode
from tests.modules.employees.factories import EmployeeDocumentFactory, EmployeeFactory

pytestmark = pytest.mark.django_db

LIST = "/admin/employees/employee/"
ME = "/admin/employees/employee/me/"
EXPORT = "/admin/employees/employee/export/"
SALARY = Decimal("48213.77")


def change_url(employee):
    return f"/admin/employees/employee/{employee.pk}/change/"


def stored(tenant, employee):
    with tenant_context(tenant):
        return Employee.objects.get(pk=employee.pk)


@pytest.fixture
def people(tenant_a):
    """Maya manages Ravi, who manages Ines; Omar is elsewhere. Everyone has a salary."""
    with tenant_context(tenant_a):
        maya = EmployeeFactory(first_name="Maya", salary=SALARY, salary_currency="USD")
        ravi = EmployeeFactory(first_name="Ravi", manager=maya, salary=SALARY)
        ines = EmployeeFactory(first_name="Ines", manager=ravi, salary=SALARY)
        omar = EmployeeFactory(first_name="Omar", salary=SALARY)
    return {"maya": maya, "ravi": ravi, "ines": ines, "omar": omar}


@pytest.fixture
def maya_client(tenant_a, make_member, link_login, client_for, people):
    """Maya signed in with the manager role and her employee record linked."""
    user = make_member(tenant_a, "maya@acme.test", roles=[RoleCode.MANAGER])
    link_login(tenant_a, user, people["maya"])
    return client_for(tenant_a, user)


@pytest.fixture
def omar_client(tenant_a, make_member, link_login, client_for, people):
    """Omar signed in as a plain employee, his record linked."""
    user = make_member(tenant_a, "omar@acme.test", roles=[RoleCode.EMPLOYEE])
    link_login(tenant_a, user, people["omar"])
    return client_for(tenant_a, user)


def export_csv(client) -> str:
    response = client.post(EXPORT, {"format": "0", "resource": "0"})
    assert response.status_code == 200, response.content[:500]
    return response.content.decode("utf-8-sig")


# -- HR, finance, owners, CEO ------------------------------------------------------


def test_hr_sees_every_employee_in_the_list(tenant_a, hr_a, client_for, people):
    response = client_for(tenant_a, hr_a).get(LIST)

    assert response.status_code == 200
    for employee in people.values():
        assert employee.full_name in response.content.decode()


def test_hr_sees_and_edits_the_salary_on_the_change_form(tenant_a, hr_a, client_for, people):
    response = client_for(tenant_a, hr_a).get(change_url(people["omar"]))

    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="salary"' in html
    assert str(SALARY) in html


def test_finance_sees_the_salary(tenant_a, finance_a, client_for, people):
    response = client_for(tenant_a, finance_a).get(change_url(people["omar"]))

    assert response.status_code == 200
    assert str(SALARY) in response.content.decode()


def test_owner_sees_the_salary(tenant_a, owner_a, client_for, people):
    response = client_for(tenant_a, owner_a).get(change_url(people["omar"]))

    assert response.status_code == 200
    assert str(SALARY) in response.content.decode()


def test_ceo_sees_everyone_but_no_salary(tenant_a, ceo_a, client_for, people):
    client = client_for(tenant_a, ceo_a)

    listing = client.get(LIST)
    page = client.get(change_url(people["omar"]))

    assert listing.status_code == 200
    assert all(e.full_name in listing.content.decode() for e in people.values())
    assert page.status_code == 200
    assert 'name="salary"' not in page.content.decode()
    assert str(SALARY) not in page.content.decode()


def test_ceo_export_has_no_salary_columns(tenant_a, ceo_a, client_for, people):
    header = export_csv(client_for(tenant_a, ceo_a)).splitlines()[0].split(",")

    assert "salary" not in header
    assert "salary_currency" not in header


def test_finance_export_has_salary_columns(tenant_a, finance_a, client_for, people):
    text = export_csv(client_for(tenant_a, finance_a))

    assert "salary" in text.splitlines()[0].split(",")
    assert str(SALARY) in text


# -- managers -------------------------------------------------------------------------


@pytest.mark.parametrize("role", [RoleCode.MANAGER, RoleCode.EMPLOYEE])
def test_a_manager_sees_direct_and_indirect_reports_only(
    role, tenant_a, make_member, link_login, client_for, people
):
    user = make_member(tenant_a, "maya@acme.test", roles=[role])
    link_login(tenant_a, user, people["maya"])

    response = client_for(tenant_a, user).get(LIST)

    assert response.status_code == 200
    html = response.content.decode()
    assert people["ravi"].full_name in html
    assert people["ines"].full_name in html
    assert people["omar"].full_name not in html


def test_a_manager_opens_an_indirect_reports_page_without_salary(maya_client, people):
    response = maya_client.get(change_url(people["ines"]))

    assert response.status_code == 200
    html = response.content.decode()
    assert people["ines"].full_name in html
    assert 'name="salary"' not in html
    assert str(SALARY) not in html


def test_a_manager_gets_404_for_someone_outside_their_team(maya_client, people):
    assert maya_client.get(change_url(people["omar"])).status_code == 404


def test_a_manager_cannot_change_a_report(maya_client, people, tenant_a):
    response = maya_client.post(change_url(people["ravi"]), {"first_name": "Changed"})

    assert response.status_code == 403
    assert stored(tenant_a, people["ravi"]).first_name == "Ravi"


def test_a_managers_export_has_their_team_and_no_salary(maya_client, people):
    text = export_csv(maya_client)
    header = text.splitlines()[0].split(",")

    assert "salary" not in header and "salary_currency" not in header
    assert str(SALARY) not in text
    assert people["ines"].employee_number in text
    assert people["omar"].employee_number not in text


def test_a_manager_cannot_terminate_a_report(maya_client, people, tenant_a):
    response = maya_client.post(
        f"/admin/employees/employee/{people['ines'].pk}/terminate/",
        {"end_date": "2025-06-30", "reason": "No"},
    )

    assert response.status_code == 403
    assert stored(tenant_a, people["ines"]).status == Employee.Status.ACTIVE


def test_a_manager_does_not_see_documents_of_reports(maya_client, people, tenant_a):
    with tenant_context(tenant_a):
        document = EmployeeDocumentFactory(employee=people["ines"], number="SECRET-PASSPORT-1")

    page = maya_client.get(change_url(people["ines"]))
    documents = maya_client.get(f"/admin/employees/employeedocument/{document.pk}/change/")

    assert "SECRET-PASSPORT-1" not in page.content.decode()
    assert documents.status_code in (403, 404)


# -- plain employees and self-service ----------------------------------------------------


def test_a_plain_employee_gets_403_on_the_employee_list(omar_client):
    assert omar_client.get(LIST).status_code == 403


def test_a_plain_employee_gets_404_for_a_colleagues_page(omar_client, people):
    assert omar_client.get(change_url(people["maya"])).status_code in (403, 404)


def test_a_plain_employee_opens_their_own_profile(omar_client, people):
    response = omar_client.get(ME)

    assert response.status_code == 200
    html = response.content.decode()
    assert people["omar"].employee_number in html
    assert 'name="phone"' in html
    assert 'name="salary"' not in html


def test_an_employee_changes_their_phone_on_the_profile_page(omar_client, people, tenant_a):
    response = omar_client.post(ME, {"phone": "+971 4 123 4567"}, follow=True)

    assert response.status_code == 200
    assert "Your contact details are saved." in response.content.decode()
    omar = stored(tenant_a, people["omar"])
    assert omar.phone == "+971 4 123 4567"
    with tenant_context(tenant_a):
        row = Employee.history.filter(id=omar.pk).order_by("-history_id").first()
    assert row.history_user.email == "omar@acme.test"


def test_the_profile_form_ignores_fields_other_than_contact_details(omar_client, people, tenant_a):
    omar_client.post(
        ME,
        {
            "phone": "555",
            "first_name": "Boss",
            "salary": "1000000",
            "status": "terminated",
            "manager": str(people["omar"].pk),
            "employee_number": "HACKED",
        },
    )

    omar = stored(tenant_a, people["omar"])
    assert omar.phone == "555"
    assert omar.first_name == "Omar"
    assert omar.salary == SALARY
    assert omar.status == Employee.Status.ACTIVE
    assert omar.manager_id is None
    assert omar.employee_number == people["omar"].employee_number


def test_the_profile_page_says_so_when_no_employee_record_is_linked(
    tenant_a, make_member, client_for
):
    user = make_member(tenant_a, "newbie@acme.test")

    response = client_for(tenant_a, user).get(ME)

    assert response.status_code == 200
    assert "not linked to an employee record" in response.content.decode()


def test_the_profile_page_is_for_signed_in_members_only(tenant_a, client_for):
    response = client_for(tenant_a).get(ME)

    assert response.status_code == 302
    assert "/login/" in response["Location"]


# -- other tenants -------------------------------------------------------------------------


def test_another_companys_employee_id_is_not_found(tenant_a, tenant_b, hr_a, client_for):
    with tenant_context(tenant_b):
        foreign = EmployeeFactory(first_name="Foreign")
    client = client_for(tenant_a, hr_a)

    assert client.get(change_url(foreign)).status_code == 404
    assert client.get(f"/admin/employees/employee/{foreign.pk}/history/").status_code == 404
    assert client.get(f"/admin/employees/employee/{foreign.pk}/terminate/").status_code == 404


def test_a_member_of_another_company_cannot_open_acmes_people(
    tenant_a, tenant_b, owner_b, client_for, people
):
    response = client_for(tenant_a, owner_b).get(LIST)

    assert response.status_code == 302
    assert "/login/" in response["Location"]


# -- HR through the admin forms -------------------------------------------------------------


def form_data(employee, **overrides):
    """What the change form posts for ``employee``, with ``overrides``."""
    data = {
        "employee_number": employee.employee_number,
        "employment_type": employee.employment_type,
        "first_name": employee.first_name,
        "last_name": employee.last_name,
        "work_email": employee.work_email,
        "phone": employee.phone,
        "department": employee.department_id or "",
        "position": employee.position_id or "",
        "manager": employee.manager_id or "",
        "location": employee.location_id or "",
        "schedule": employee.schedule_id or "",
        "membership": employee.membership_id or "",
        "hire_date": employee.hire_date.isoformat(),
        "status": employee.status,
        "end_date": "",
        "termination_reason": "",
        "hourly_cost_rate": "",
        "cost_currency": "",
        "salary": employee.salary or "",
        "salary_currency": employee.salary_currency,
        "emergency_contact_name": "",
        "emergency_contact_phone": "",
        "emergency_contact_relation": "",
        "documents-TOTAL_FORMS": "0",
        "documents-INITIAL_FORMS": "0",
        "documents-MIN_NUM_FORMS": "0",
        "documents-MAX_NUM_FORMS": "1000",
        # The dated cost rates inline (for who may see cost).
        "cost_rates-TOTAL_FORMS": "0",
        "cost_rates-INITIAL_FORMS": "0",
        "cost_rates-MIN_NUM_FORMS": "0",
        "cost_rates-MAX_NUM_FORMS": "1000",
    }
    data.update(overrides)
    return data


def test_hr_changes_a_salary_through_the_form(tenant_a, hr_a, client_for, people):
    response = client_for(tenant_a, hr_a).post(
        change_url(people["omar"]), form_data(people["omar"], salary="50000.00")
    )

    assert response.status_code == 302
    assert stored(tenant_a, people["omar"]).salary == Decimal("50000.00")


def test_a_manager_loop_in_the_form_shows_the_loop_and_saves_nothing(
    tenant_a, hr_a, client_for, people
):
    maya = people["maya"]
    response = client_for(tenant_a, hr_a).post(
        change_url(maya), form_data(maya, manager=people["ines"].pk)
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "reporting loop" in html
    for name in ("Maya", "Ravi", "Ines"):
        assert name in html.split("reporting loop", 1)[1].split("</", 1)[0]
    assert stored(tenant_a, maya).manager_id is None


def test_terminating_a_manager_without_successor_shows_the_message_on_the_form(
    tenant_a, hr_a, client_for, people
):
    response = client_for(tenant_a, hr_a).post(
        f"/admin/employees/employee/{people['ravi'].pk}/terminate/",
        {"end_date": "2025-06-30", "reason": "Resigned"},
    )

    assert response.status_code == 200
    assert "choose who takes" in response.content.decode()
    assert stored(tenant_a, people["ravi"]).status == Employee.Status.ACTIVE


def test_hr_terminates_a_manager_and_the_team_moves(tenant_a, hr_a, client_for, people):
    response = client_for(tenant_a, hr_a).post(
        f"/admin/employees/employee/{people['ravi'].pk}/terminate/",
        {"end_date": "2025-06-30", "reason": "Resigned", "successor": people["omar"].pk},
    )

    assert response.status_code == 302
    assert stored(tenant_a, people["ravi"]).status == Employee.Status.TERMINATED
    assert stored(tenant_a, people["ines"]).manager_id == people["omar"].pk
    with tenant_context(tenant_a):
        row = Employee.history.filter(id=people["ines"].pk).order_by("-history_id").first()
    assert row.history_user == hr_a


def test_the_history_page_shows_who_changed_what(tenant_a, hr_a, client_for, people):
    client = client_for(tenant_a, hr_a)
    client.post(change_url(people["omar"]), form_data(people["omar"], phone="+44 20 7946 0000"))

    response = client.get(f"/admin/employees/employee/{people['omar'].pk}/history/")

    assert response.status_code == 200
    assert "+44 20 7946 0000" in response.content.decode()
    with tenant_context(tenant_a):
        row = Employee.history.filter(id=people["omar"].pk).order_by("-history_id").first()
    assert row.history_user == hr_a
    assert row.phone == "+44 20 7946 0000"
    assert row.history_date is not None


def test_a_login_from_another_company_cannot_be_linked(
    tenant_a, tenant_b, hr_a, client_for, people
):
    with tenant_context(tenant_b):
        foreign = Membership.objects.create(user=hr_a)  # hr@acme also works at Globex

    response = client_for(tenant_a, hr_a).post(
        change_url(people["omar"]), form_data(people["omar"], membership=foreign.pk)
    )

    assert response.status_code == 200
    assert stored(tenant_a, people["omar"]).membership_id is None


def test_terminated_end_date_is_shown_on_the_change_page(tenant_a, hr_a, client_for, people):
    with tenant_context(tenant_a):
        Employee.objects.filter(pk=people["omar"].pk).update(
            status=Employee.Status.TERMINATED, end_date=date(2025, 1, 31)
        )

    response = client_for(tenant_a, hr_a).get(change_url(people["omar"]))

    assert response.status_code == 200
    assert "2025-01-31" in response.content.decode()


# -- history never shows what the page hides ------------------------------------------------


@pytest.fixture
def raised_salary(tenant_a, hr_a, client_for, people):
    """HR gives Ines a raise through the form, so her history carries salaries."""
    ines = people["ines"]
    response = client_for(tenant_a, hr_a).post(
        change_url(ines), form_data(ines, salary="61234.50", phone="+1 202 555 0101")
    )
    assert response.status_code == 302
    return ines


def history_urls(tenant, employee) -> list[str]:
    with tenant_context(tenant):
        versions = Employee.history.filter(id=employee.pk).values_list("history_id", flat=True)
    base = f"/admin/employees/employee/{employee.pk}/history/"
    return [base] + [f"{base}{version}/" for version in versions]


def test_hr_sees_the_salary_change_in_the_history(tenant_a, hr_a, client_for, raised_salary):
    html = client_for(tenant_a, hr_a).get(history_urls(tenant_a, raised_salary)[0])

    assert "61234.50" in html.content.decode()


def test_a_managers_view_of_a_reports_history_shows_no_salary(maya_client, tenant_a, raised_salary):
    for url in history_urls(tenant_a, raised_salary):
        response = maya_client.get(url)
        html = response.content.decode()
        assert response.status_code in (200, 403), url
        assert "61234.50" not in html, url
        assert str(SALARY) not in html, url


def test_the_ceos_view_of_history_shows_no_salary(tenant_a, ceo_a, client_for, raised_salary):
    client = client_for(tenant_a, ceo_a)

    for url in history_urls(tenant_a, raised_salary):
        html = client.get(url).content.decode()
        assert "61234.50" not in html, url
        assert str(SALARY) not in html, url


def test_a_too_long_phone_on_the_profile_page_is_refused_with_a_message(
    omar_client, people, tenant_a
):
    response = omar_client.post(ME, {"phone": "1" * 60})

    assert response.status_code == 200
    assert "at most 40 characters" in response.content.decode()
    assert stored(tenant_a, people["omar"]).phone == ""
